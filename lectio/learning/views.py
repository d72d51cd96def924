from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.learning.models import Enrollment

# An access end this close is announced on the dashboard.
ACCESS_WARNING = timedelta(days=14)


@dataclass
class CourseRow:
    enrollment: Enrollment
    open: bool
    ends_soon: bool


@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The learner's home: their courses with access windows, in one query.

    Assigned training (with due dates) arrives with the assignments app, progress with
    the learner's players."""
    now = timezone.now()
    enrollments = (
        Enrollment.objects.filter(user=request.user, course__live_version__isnull=False)
        .select_related("course__live_version")
        .defer("course__live_version__outline", "course__live_version__search_text")
        .order_by("-enrolled_at")
    )
    in_progress: list[CourseRow] = []
    completed: list[CourseRow] = []
    for enrollment in enrollments:
        is_open = enrollment.is_open(now)
        ends = enrollment.access_ends_at
        row = CourseRow(enrollment, is_open, bool(is_open and ends and ends - now < ACCESS_WARNING))
        (completed if enrollment.completed_at else in_progress).append(row)
    return render(
        request,
        "learning/dashboard.html",
        {"assigned": [], "in_progress": in_progress, "completed": completed},
    )
