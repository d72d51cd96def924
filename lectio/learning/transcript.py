"""A learner's transcript: every course with its dates, progress and learning time,
on a page and as CSV or PDF (scores join when assessments exist)."""

from datetime import datetime
from io import BytesIO
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.exports import csv_response
from lectio.learning import hooks
from lectio.learning.models import Attestation, CourseCompletion, Enrollment


def _rows(request: AuthenticatedRequest) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(user=request.user, course__live_version__isnull=False)
        .select_related("course__live_version")
        .defer("course__live_version__outline", "course__live_version__search_text")
        .annotate(seconds=Sum("progress__active_seconds"))
        .order_by("-enrolled_at")
    )


def _attestations(request: AuthenticatedRequest) -> QuerySet[Attestation]:
    """The person's attestations, newest first (their text stays on the record)."""
    return (
        Attestation.objects.filter(enrollment__user=request.user)
        .select_related("course_version")
        .only(
            "lesson_title",
            "version",
            "digest",
            "confirmed_at",
            "course_version__title",
        )
    )


def _attestation_table(request: AuthenticatedRequest) -> list[list[str]]:
    header = [_("Course"), _("Lesson"), _("Version"), _("Confirmed at"), _("Digest (sha256)")]
    body = [
        [
            row.course_version.title,
            row.lesson_title,
            str(row.version),
            formats.date_format(timezone.localtime(row.confirmed_at), "DATETIME_FORMAT"),
            row.digest,
        ]
        for row in _attestations(request)
    ]
    return [header, *body] if body else []


def _hours(seconds: int | None) -> str:
    minutes = round((seconds or 0) / 60)
    return f"{minutes // 60}:{minutes % 60:02}"


def _date(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""


def _seconds(enrollment: Enrollment) -> int:
    return int(getattr(enrollment, "seconds", 0) or 0)  # annotated by _rows


@require_safe
def transcript(request: AuthenticatedRequest) -> HttpResponse:
    enrollments = list(_rows(request))
    links = hooks.certificate_links(
        request.user.pk, [e.pk for e in enrollments if e.completed_at is not None]
    )
    rows = [
        {"enrollment": e, "hours": _hours(_seconds(e)), "certificate": links.get(e.pk, "")}
        for e in enrollments
    ]
    total = sum(_seconds(e) for e in enrollments)
    return render(
        request,
        "learning/transcript.html",
        {
            "rows": rows,
            "total": _hours(total),
            "attestations": _attestations(request),
            "completions": _earlier_completions(request),
        },
    )


def _earlier_completions(request: AuthenticatedRequest) -> QuerySet[CourseCompletion]:
    """Completions of earlier cycles (recertification): each stays on the record."""
    return (
        CourseCompletion.objects.filter(
            enrollment__user=request.user, cycle__lt=F("enrollment__cycle")
        )
        .select_related("course_version")
        .only("cycle", "completed_at", "version", "course_version__title")
        .order_by("-completed_at")
    )


def _table(request: AuthenticatedRequest) -> list[list[str]]:
    header = [_("Course"), _("Enrolled"), _("Completed"), _("Progress"), _("Learning time (h:mm)")]
    body = [
        [
            row.course.live_version.title if row.course.live_version else row.course.title,
            _date(row.enrolled_at),
            _date(row.completed_at),
            f"{row.progress_percent}%",
            _hours(_seconds(row)),
        ]
        for row in _rows(request)
    ]
    return [header, *body]


@require_safe
def transcript_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    header, *body = _table(request)
    return csv_response(header, body, "transcript.csv")


def pdf_font() -> str:
    """The name of a font registered with reportlab for PDFs in any of our languages (also
    used by certificates): DejaVu Sans where installed, which has the Turkish letters, else
    the Vera font reportlab ships (Latin-1 only)."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" in pdfmetrics.getRegisteredFontNames():
        return "DejaVu"
    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        try:
            pdfmetrics.registerFont(TTFont("DejaVu", candidate))
        except Exception:  # noqa: S112 - a missing system font: fall back to Vera
            continue
        return "DejaVu"
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", f"{reportlab.__path__[0]}/fonts/Vera.ttf"))
    return "Vera"


@require_safe
def transcript_pdf(request: AuthenticatedRequest) -> FileResponse:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = font
    out = BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=landscape(A4), title=pgettext("learning record", "Transcript")
    )
    user: Any = request.user
    table_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eefb")),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#cfd4db")),
        ]
    )
    table = Table(_table(request), repeatRows=1)
    table.setStyle(table_style)
    story: list[Any] = [
        Paragraph(_("Transcript of %(name)s") % {"name": user.full_name}, styles["Title"]),
        Paragraph(_date(timezone.now()), styles["Normal"]),
        Spacer(1, 12),
        table,
    ]
    if attestations := _attestation_table(request):
        evidence = Table(attestations, repeatRows=1)
        evidence.setStyle(table_style)
        evidence.setStyle(TableStyle([("FONTSIZE", (-1, 1), (-1, -1), 7)]))  # the digests
        story += [Spacer(1, 12), Paragraph(_("Attestations"), styles["Heading2"]), evidence]
    document.build(story)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename="transcript.pdf", content_type="application/pdf"
    )
