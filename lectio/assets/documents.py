"""PDF documents and slide decks: checked by content, pages counted."""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from lectio.assets.media import MediaError


def check_pdf(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise MediaError(_("This file is not a PDF document."))
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise MediaError(_("The PDF is password-protected; upload it without a password."))
        pages = len(reader.pages)
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise MediaError(_("The PDF cannot be read; the file may be damaged.")) from exc
    if pages == 0:
        raise MediaError(_("The PDF has no pages."))
    return {"page_count": pages}
