"""Question HTML: catalog's sanitiser, with pictures allowed when they are the bank's own
(``<img src="/assessments/images/<key>/">``, delivered by an authorising view; CSP is
'self', so no other host could show anyway).

Imports name a picture before it is stored: ``placeholder_url(name)`` is a delivery URL
of the same shape whose key is derived from the file's name (a version-5 UUID, never the
random version-4 key of a stored picture), so the text passes the sanitiser during the
preview and the placeholder is swapped for the stored picture's URL when applied."""

import re
import uuid

from lectio.catalog.sanitize import ALLOWED_TAGS, clean_html

KEY = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
IMAGE_SRC = re.compile(rf"/assessments/images/({KEY})/")
QUESTION_TAGS = ALLOWED_TAGS | {"img"}
_PLACEHOLDERS = uuid.UUID("6f0c3f5e-2b1d-4f7a-9c55-6f1d2a7e9b10")


def clean(text: str) -> str:
    """Sanitised question HTML, keeping the bank's own pictures."""
    return clean_html(text, image_src=IMAGE_SRC)


def image_url(key: uuid.UUID | str) -> str:
    return f"/assessments/images/{key}/"


def image_keys(text: str) -> set[str]:
    """The keys of every bank picture a text (HTML, or JSON holding HTML) points at."""
    return {match.group(1) for match in IMAGE_SRC.finditer(text)}


def placeholder_url(name: str) -> str:
    """The stand-in URL of an imported picture until it is stored."""
    return image_url(uuid.uuid5(_PLACEHOLDERS, name))
