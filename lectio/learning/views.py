from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.learning import hooks
from lectio.learning.models import Enrollment, PathEnrollment

# An access end or a due date this close is announced on the dashboard.
ACCESS_WARNING = timedelta(days=14)
DUE_WARNING = timedelta(days=7)
# What the dashboard shows of an enrolment, its course and its published version (the
# rows' other columns, the outline among them, cost CPU to select and build on every visit).
ROW_FIELDS = (
    "user_id",
    "enrolled_at",
    "access_starts_at",
    "access_ends_at",
    "completed_at",
    "due_at",
    "mandatory",
    "progress_percent",
    "last_lesson_id",
    "course__slug",
    "course__live_version__title",
)
PATH_ROW_FIELDS = (
    "user_id",
    "enrolled_at",
    "completed_at",
    "progress_percent",
    "path__slug",
    "path__live_version__title",
    "path__live_version__variants",
)


@dataclass
class CourseRow:
    enrollment: Enrollment
    open: bool
    ends_soon: bool
    overdue: bool = False
    due_soon: bool = False
    certificate: str = ""  # the completed course's certificate (a link), if there is one


@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The learner's home, in one query: what is assigned to them (with due dates, soonest
    first), what they are taking, and what they completed (one more query for the
    completed courses' certificates, when there are any)."""
    now = timezone.now()
    enrollments = (
        Enrollment.objects.filter(user=request.user, course__live_version__isnull=False)
        .select_related("course__live_version")
        .only(*ROW_FIELDS)
        .order_by("-enrolled_at")
    )
    assigned: list[CourseRow] = []
    in_progress: list[CourseRow] = []
    completed: list[CourseRow] = []
    for enrollment in enrollments:
        is_open = enrollment.is_open(now)
        ends, due = enrollment.access_ends_at, enrollment.due_at
        row = CourseRow(
            enrollment,
            is_open,
            ends_soon=bool(is_open and ends and ends - now < ACCESS_WARNING),
            overdue=enrollment.is_overdue(now),
            due_soon=bool(due and now <= due < now + DUE_WARNING),
        )
        if enrollment.completed_at:
            completed.append(row)
        elif due or enrollment.mandatory:
            assigned.append(row)
        else:
            in_progress.append(row)
    links = hooks.certificate_links(request.user.pk, [row.enrollment.pk for row in completed])
    for row in completed:
        row.certificate = links.get(row.enrollment.pk, "")
    assigned.sort(key=lambda row: (row.enrollment.due_at is None, row.enrollment.due_at or now))
    return render(
        request,
        "learning/dashboard.html",
        {
            "assigned": assigned,
            "in_progress": in_progress,
            "completed": completed,
            "programmes": _programmes(request),
        },
    )


@dataclass
class PathRow:
    enrollment: PathEnrollment
    title: str
    certificate: str = ""


def _programmes(request: AuthenticatedRequest) -> list[PathRow]:
    """The learning paths the person follows, with their cached progress (one query, and
    one more for the certificates when some are completed)."""
    language = request.LANGUAGE_CODE
    rows = [
        PathRow(e, e.path.live_version.title_in(language))
        for e in PathEnrollment.objects.filter(user=request.user, path__live_version__isnull=False)
        .select_related("path__live_version")
        .only(*PATH_ROW_FIELDS)
        .order_by("completed_at", "-enrolled_at")
        if e.path.live_version is not None
    ]
    done = [row.enrollment.pk for row in rows if row.enrollment.completed_at]
    links = hooks.path_certificate_links(request.user.pk, done)
    for row in rows:
        row.certificate = links.get(row.enrollment.pk, "")
    return rows
