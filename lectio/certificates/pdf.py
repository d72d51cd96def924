"""The certificate as a PDF (A4 landscape), drawn on demand from the row: the same row
always gives the same document, so nothing is stored."""

import logging
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lectio.certificates.models import Certificate
from lectio.learning.transcript import pdf_font

logger = logging.getLogger(__name__)

INK = "#1f2933"
ACCENT = "#1d4ed8"
MUTED = "#52606d"


def _date(certificate: Certificate, field: str) -> str:
    value = getattr(certificate, field)
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""


def render(certificate: Certificate, verify_url: str) -> bytes:
    """The PDF in the holder's language and time zone, with a QR code to ``verify_url``."""
    person = certificate.user
    zone = person.time_zone or settings.TIME_ZONE
    language = person.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone):
        return _draw(certificate, verify_url)


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > 10 and stringWidth(text, font, size) > width:
        size -= 1
    return size


def _logo(path: str) -> Any:
    """The organisation's logo as reportlab reads it, or None (no logo, or unreadable)."""
    if not path:
        return None
    from reportlab.lib.utils import ImageReader

    try:
        if not Path(path).is_file():
            raise FileNotFoundError(path)
        reader = ImageReader(path)
        reader.getSize()  # reads the image now, so a broken file fails here
        return reader
    except Exception:  # a missing or unreadable logo: the certificate goes without it
        logger.warning("LECTIO_ORGANISATION_LOGO %s cannot be read; no logo", path)
        return None


def _draw(certificate: Certificate, verify_url: str) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    font = pdf_font()
    width, height = landscape(A4)
    out = BytesIO()
    # invariant: no creation time or random id in the file, so the same row gives the
    # same bytes.
    pdf = Canvas(out, pagesize=(width, height), invariant=True)
    organisation = settings.LECTIO_ORGANISATION_NAME
    pdf.setTitle(_("Certificate %(code)s") % {"code": certificate.display_code})
    pdf.setAuthor(organisation)
    pdf.setSubject(certificate.course_title)

    pdf.setStrokeColor(colors.HexColor(ACCENT))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.75)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    centre, text_width = width / 2, width - 70 * mm
    top = height - 30 * mm
    logo = _logo(settings.LECTIO_ORGANISATION_LOGO)
    if logo is not None:
        logo_w, logo_h = logo.getSize()
        box = 22 * mm
        scale = min(box / logo_w, box / logo_h)
        pdf.drawImage(
            logo,
            centre - logo_w * scale / 2,
            top - logo_h * scale,
            logo_w * scale,
            logo_h * scale,
            mask="auto",
        )
        top -= box + 4 * mm

    def line(text: str, y: float, size: float, colour: str = INK) -> None:
        """Centred text, smaller when long, over two lines when very long."""
        fitted = _fit(text, font, size, text_width)
        pdf.setFont(font, fitted)
        pdf.setFillColor(colors.HexColor(colour))
        if stringWidth(text, font, fitted) <= text_width:
            pdf.drawCentredString(centre, y, text)
            return
        first, *rest = simpleSplit(text, font, fitted, text_width)
        pdf.drawCentredString(centre, y + fitted * 0.6, first)
        pdf.drawCentredString(centre, y - fitted * 0.6, " ".join(rest))

    line(organisation, top - 8 * mm, 16, MUTED)
    line(_("Certificate of completion"), top - 24 * mm, 30, ACCENT)
    line(_("This certifies that"), top - 38 * mm, 13, MUTED)
    line(certificate.full_name, top - 54 * mm, 28)
    if certificate.is_path:
        line(_("has completed the programme"), top - 66 * mm, 13, MUTED)
    else:
        line(_("has completed the course"), top - 66 * mm, 13, MUTED)
    line(certificate.course_title, top - 80 * mm, 20)
    line(
        _("Completed on %(date)s") % {"date": _date(certificate, "completed_at")},
        top - 94 * mm,
        12,
    )
    if certificate.expires_at:
        valid = _("Valid until %(date)s") % {"date": _date(certificate, "expires_at")}
    else:
        valid = _("Does not expire")
    line(valid, top - 101 * mm, 12)

    # The QR code and the code, bottom right; how to check it, bottom left.
    size = 32 * mm
    widget = QrCodeWidget(verify_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    right = width - 22 * mm
    renderPDF.draw(drawing, pdf, right - size, 22 * mm)
    pdf.setFillColor(colors.HexColor(INK))
    pdf.setFont(font, 11)
    pdf.drawRightString(right, 18 * mm, certificate.display_code)
    pdf.setFont(font, 9)
    pdf.setFillColor(colors.HexColor(MUTED))
    left = 22 * mm
    check = _("Check this certificate at:")
    pdf.drawString(left, 30 * mm, check)
    url_size = 9.0
    while url_size > 6 and stringWidth(verify_url, font, url_size) > right - size - left - 10 * mm:
        url_size -= 0.5
    pdf.setFont(font, url_size)
    pdf.drawString(left, 25 * mm, verify_url)
    pdf.setFont(font, 9)
    pdf.drawString(
        left,
        20 * mm,
        _("Certificate code: %(code)s") % {"code": certificate.display_code},
    )
    pdf.showPage()
    pdf.save()
    return out.getvalue()
