"""Pictures: checked by content with Pillow and re-encoded, which also drops their metadata
(camera, location) and anything hidden in the file."""

from io import BytesIO
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from lectio.assets.media import MediaError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
COVER_SIZE = (1280, 720)


def cover_jpeg(source: IO[bytes]) -> bytes:
    """A cover picture as JPEG, at most 1280x720; MediaError for anything else."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(source) as image:
            image.verify()
        source.seek(0)
        with Image.open(source) as image:
            if image.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise MediaError(_("Use a JPEG, PNG or WebP picture."))
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise MediaError(_("This file is not a picture Lectio can read.")) from exc
    picture.thumbnail(COVER_SIZE)
    out = BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
