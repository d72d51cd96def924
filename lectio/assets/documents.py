"""PDF documents and slide decks: checked by content, pages counted."""

import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from lectio.assets.media import MediaError


def check_pdf(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        start = handle.read(5)
    if start[:2] == b"PK" and _is_office_file(path):
        if _is_presentation(path) and office_binary():
            return {"convert": "pptx"}  # the worker turns it into a PDF
        raise MediaError(
            _(
                "This is a PowerPoint or Office file. Export it as PDF (File → Export → PDF) "
                "and upload the PDF; slides keep their look that way."
            )
        )
    if start != b"%PDF-":
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


def office_binary() -> str | None:
    """LibreOffice's soffice, when installed (``LECTIO_SOFFICE`` or on PATH)."""
    return settings.LECTIO_SOFFICE or shutil.which("soffice")


def _is_presentation(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return "ppt/presentation.xml" in archive.namelist()


def convert_to_pdf(source: Path, out: Path) -> Path:
    """A PowerPoint deck as PDF, by LibreOffice in the background (worker only)."""
    binary = office_binary()
    if not binary:
        raise MediaError(_("LibreOffice is not installed on the server; upload a PDF instead."))
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "libreoffice-profile"  # a private profile: workers may run side by side
    command = [
        binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
        "--convert-to", "pdf", "--outdir", str(out), str(source),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
    except subprocess.TimeoutExpired as exc:
        raise MediaError(_("Converting the presentation took too long.")) from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out / (source.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no PDF was written"]
        raise MediaError(
            _("LibreOffice could not convert the presentation: %(reason)s") % {"reason": reason[0]}
        )
    return pdf


def _is_office_file(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist()[:200])
    except zipfile.BadZipFile:
        return False
    return (
        bool({"ppt/presentation.xml", "word/document.xml"} & names)
        or "[Content_Types].xml" in names
    )


THUMBNAIL_WIDTH = 320


def render_thumbnails(
    path: Path, out: Path, on_progress: Callable[[int], None] | None = None
) -> int:
    """A JPEG thumbnail of every page (``out/pages/0001.jpg`` …); returns the page count."""
    import pypdfium2 as pdfium

    (out / "pages").mkdir(parents=True, exist_ok=True)
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise MediaError(_("The PDF cannot be read; the file may be damaged.")) from exc
    try:
        count = len(document)
        for index in range(count):
            page = document[index]
            width = page.get_width() or THUMBNAIL_WIDTH
            image = page.render(scale=THUMBNAIL_WIDTH / width).to_pil().convert("RGB")
            image.save(out / "pages" / f"{index + 1:04}.jpg", "JPEG", quality=80)
            page.close()
            if on_progress:
                on_progress(min(99, (index + 1) * 100 // count))
    finally:
        document.close()
    return count
