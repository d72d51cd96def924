"""Learning paths as learners see them: the programme page (its steps, each course's
state for the person, progress, enrolment, electives), and the administrators' page to
enrol people by e-mail.

Every page reads the cached ``PathEnrollment`` progress; nothing is computed by scanning
on a page view, and the number of queries does not grow with the path or the person's
history."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lectio.accounts.forms import AddMembersForm
from lectio.accounts.permissions import AuthenticatedRequest, is_administrator, requires
from lectio.catalog import permissions
from lectio.catalog.models import Course, LearningPath
from lectio.catalog.paths import localize_path, path_course_ids
from lectio.learning import hooks, paths
from lectio.learning.models import Enrollment, PathEnrollment

PER_PAGE = 50
administrators_only = requires(is_administrator)


@dataclass
class CourseState:
    course_id: int
    title: str
    slug: str = ""
    live: bool = False
    enrollment: Enrollment | None = None

    @property
    def completed(self) -> bool:
        return bool(self.enrollment and self.enrollment.completed_at)


@dataclass
class Step:
    kind: str
    title: str = ""
    pick: int = 1
    courses: list[CourseState] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(c.completed for c in self.courses)

    @property
    def complete(self) -> bool:
        return self.done >= self.pick


def _live_path(
    request: AuthenticatedRequest, slug: str
) -> tuple[LearningPath, PathEnrollment | None]:
    """A published path the person may see: in the catalogue, or one they follow."""
    path = get_object_or_404(LearningPath.objects.select_related("live_version"), slug=slug)
    enrollment = PathEnrollment.objects.filter(user=request.user, path=path).first()
    visible = permissions.path_catalogue_for(request.user).filter(pk=path.pk).exists()
    if path.live_version is None or not (visible or enrollment is not None):
        raise Http404
    return path, enrollment


def _steps(outline: dict[str, Any], user_id: int, language: str) -> list[Step]:
    """The path's steps with each course's live title and the person's enrolment (two
    queries whatever the size of the path)."""
    ids = path_course_ids(outline)
    courses = {
        c.pk: c
        for c in Course.objects.filter(pk__in=ids)
        .select_related("live_version")
        .defer("live_version__outline", "live_version__search_text")
    }
    enrollments = {
        e.course_id: e for e in Enrollment.objects.filter(user_id=user_id, course_id__in=ids)
    }

    def state(item: dict[str, Any]) -> CourseState:
        course = courses.get(item["course"])
        if course is None or course.live_version is None:
            return CourseState(item["course"], item["title"])
        return CourseState(
            course.pk,
            course.live_version.title_in(language),
            course.slug,
            course.is_live,
            enrollments.get(course.pk),
        )

    steps = []
    for step in outline["steps"]:
        if step["kind"] == "course":
            steps.append(Step("course", courses=[state(step)]))
        else:
            steps.append(
                Step(
                    "elective",
                    step["title"],
                    int(step["pick"]),
                    [state(item) for item in step["courses"]],
                )
            )
    return steps


@require_safe
def path_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    path, enrollment = _live_path(request, slug)
    assert path.live_version is not None
    outline = localize_path(path.live_version.outline, request.LANGUAGE_CODE)
    certificate = ""
    if enrollment is not None and enrollment.completed_at:
        certificate = hooks.path_certificate_links(request.user.pk, [enrollment.pk]).get(
            enrollment.pk, ""
        )
    return render(
        request,
        "learning/path.html",
        {
            "path": path,
            "outline": outline,
            "steps": _steps(outline, request.user.pk, request.LANGUAGE_CODE),
            "enrollment": enrollment,
            "certificate": certificate,
            "can_enrol": path.is_live and path.live_version.visibility == "open",
        },
    )


@require_POST
def path_enrol(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    path, _enrollment = _live_path(request, slug)
    try:
        paths.self_enroll_in_path(request.user, path)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("You are enrolled in the programme and in its required courses.")
        )
    return redirect("programmes:path", slug=path.slug)


@require_POST
def elective_enrol(request: AuthenticatedRequest, slug: str, course_id: int) -> HttpResponse:
    """Take one of the path's electives (only for people following the path)."""
    path, enrollment = _live_path(request, slug)
    if enrollment is None:
        raise Http404
    course = get_object_or_404(Course.objects.select_related("live_version"), pk=course_id)
    try:
        paths.choose_elective(enrollment, course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You are enrolled in this elective."))
    return redirect("programmes:path", slug=path.slug)


@administrators_only
def path_enrolments(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    path = get_object_or_404(LearningPath.objects.select_related("live_version"), slug=slug)
    form = AddMembersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = paths.enroll_people_in_path(path, form.cleaned_data["emails"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)s enrolled.") % {"count": added})
            return redirect("programmes:enrolments", slug=path.slug)
    enrollments = (
        PathEnrollment.objects.filter(path=path)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    page = Paginator(enrollments, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "learning/path_enrolments.html", {"path": path, "form": form, "page": page}
    )
