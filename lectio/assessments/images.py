"""Pictures in questions: checked by content with Pillow (never by name or the type the
browser claims), bounded in bytes and pixels, and re-encoded (except animated GIFs), which
also drops metadata and anything hidden in the file."""

from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
SUFFIXES = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


class ImageProblem(Exception):
    """A file that cannot be a question picture, with the reason as a sentence."""


@dataclass
class Checked:
    data: bytes  # what is stored
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return FORMATS[self.format]

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.format]


def check(data: bytes) -> Checked:
    """The picture to store, or ImageProblem saying why not."""
    if not data:
        raise ImageProblem(_("The picture is empty."))
    if len(data) > MAX_BYTES:
        raise ImageProblem(
            _("The picture is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
        with Image.open(BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise ImageProblem(_("Use a PNG, JPEG, GIF or WebP picture."))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageProblem(_("The picture has too many pixels."))
            if image.format == "GIF" and getattr(image, "is_animated", False):
                return Checked(data, "GIF", width, height)
            image.load()
            out = BytesIO()
            if image.format == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            elif image.format == "GIF":
                image.save(out, "GIF")
            else:
                image.save(out, image.format, optimize=True)
            return Checked(out.getvalue(), image.format, width, height)
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ImageProblem(_("This file is not a picture Lectio can read.")) from exc
