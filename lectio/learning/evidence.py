"""Evidence for auditors: who confirmed which attestation of a course, when, and exactly
what text (version and sha256 digest); as a page and as a streamed CSV."""

from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lectio.accounts.permissions import AuthenticatedRequest, is_administrator, requires
from lectio.catalog.models import Course
from lectio.exports import csv_response
from lectio.learning.models import Attestation

PER_PAGE = 50
administrators_only = requires(is_administrator)


def _attestations(course: Course) -> QuerySet[Attestation]:
    """The course's attestations, newest first (index attestation_version)."""
    return Attestation.objects.filter(course_version__course=course).order_by(
        "-confirmed_at", "-pk"
    )


@administrators_only
@require_safe
def course_attestations(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    rows = _attestations(course).defer("text", "user_agent")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "learning/attestations.html", {"course": course, "page": page})


def _csv_header() -> list[str]:
    return [
        _("Name"),
        _("E-mail address"),
        _("Lesson"),
        _("Version"),
        _("Language"),
        _("Confirmed at (UTC)"),
        _("Confirmation"),
        _("Digest (sha256)"),
        _("IP address"),
        _("Browser"),
        _("Text"),
    ]


def _csv_rows(course: Course) -> Iterator[list[object]]:
    for row in _attestations(course).iterator(chunk_size=500):
        yield [
            row.full_name,
            row.email,
            row.lesson_title,
            row.version,
            row.language,
            row.confirmed_at.isoformat(),
            row.confirmation,
            row.digest,
            row.ip_address or "",
            row.user_agent,
            row.text,
        ]


@administrators_only
@require_safe
def course_attestations_csv(request: AuthenticatedRequest, slug: str) -> StreamingHttpResponse:
    course = get_object_or_404(Course, slug=slug)
    return csv_response(_csv_header(), _csv_rows(course), f"attestations-{course.slug}.csv")
