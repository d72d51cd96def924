from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The learner's home: assigned, in progress and completed training.

    Courses and enrolments arrive with the catalog and learning issues; until then the
    sections show their empty states."""
    return render(
        request,
        "learning/dashboard.html",
        {"assigned": [], "in_progress": [], "completed": []},
    )
