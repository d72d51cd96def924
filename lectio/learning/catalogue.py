"""The catalogue: learners browse and search live open courses, read the outline, enrol.

These pages live in learning, not catalog, because they show the person's enrolment."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.catalog import permissions, services
from lectio.catalog.forms import CatalogueFilterForm
from lectio.catalog.models import Course
from lectio.learning import services as learning
from lectio.learning.availability import lesson_states
from lectio.learning.models import Enrollment, LessonProgress, PathEnrollment

COURSES_PER_PAGE = 24
PATHS_SHOWN = 12


@require_safe
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    courses = permissions.catalogue_for(request.user).select_related("live_version")
    if q := data.get("q", "").strip():
        courses = courses.filter(
            Q(live_version__title__icontains=q) | Q(live_version__search_text__icontains=q)
        )
    if tag := data.get("tag", "").strip():
        courses = courses.filter(live_version__tags__name__iexact=tag)
    if language := data.get("language"):
        courses = courses.filter(live_version__language=language)
    courses = courses.defer("live_version__outline").order_by("live_version__title")
    page = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    enrolled = set(
        Enrollment.objects.filter(
            user=request.user, course__in=[c.pk for c in page.object_list]
        ).values_list("course_id", flat=True)
    )
    language = request.LANGUAGE_CODE
    cards = [
        {
            "course": course,
            "title": course.live_version.title_in(language),
            "summary": course.live_version.summary_in(language),
        }
        for course in page.object_list
        if course.live_version is not None
    ]
    query = request.GET.copy()
    query.pop("page", None)
    template = "learning/catalogue.html"
    programmes = _programmes(request, data) if page.number == 1 else []
    if (
        request.headers.get("HX-Request")
        and request.headers.get("HX-Target") == "catalogue-results"
    ):
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "cards": cards,
            "programmes": programmes,
            "enrolled": enrolled,
            "query": query.urlencode(),
        },
    )


def _programmes(request: AuthenticatedRequest, data: dict[str, str]) -> list[dict[str, object]]:
    """The open learning paths matching the same filters, above the courses (one query,
    whether the person follows each included)."""
    found = (
        permissions.path_catalogue_for(request.user)
        .select_related("live_version")
        .defer("live_version__outline")
        .annotate(
            followed=Exists(PathEnrollment.objects.filter(user=request.user, path=OuterRef("pk")))
        )
    )
    if q := data.get("q", "").strip():
        found = found.filter(
            Q(live_version__title__icontains=q) | Q(live_version__summary__icontains=q)
        )
    if data.get("tag", "").strip():
        return []  # paths have no tags
    if language := data.get("language"):
        found = found.filter(live_version__language=language)
    language = request.LANGUAGE_CODE
    return [
        {
            "path": path,
            "title": path.live_version.title_in(language),
            "summary": path.live_version.summary_in(language),
            "followed": path.followed,
        }
        for path in found.order_by("live_version__title")[:PATHS_SHOWN]
        if path.live_version is not None
    ]


def _live_course(request: AuthenticatedRequest, slug: str) -> tuple[Course, Enrollment | None]:
    """A live course the person may see: in the catalogue, or one they are enrolled in."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
    if enrollment is not None and course.live_version_id:
        return course, enrollment  # enrolled in a live course: no catalogue check needed
    if not permissions.catalogue_for(request.user).filter(pk=course.pk).exists():
        raise Http404
    return course, enrollment


@require_safe
def course_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The course as a learner sees it: outline in their language, prerequisites, and —
    once enrolled — which lessons are open and why the others are not."""
    course, enrollment = _live_course(request, slug)
    assert course.live_version is not None
    outline = services.localize(course.live_version.outline, request.LANGUAGE_CODE)
    if enrollment is not None:
        # What the outline shows of each lesson's progress (not its JSON columns).
        progress = LessonProgress.objects.filter(enrollment=enrollment)
        rows = {p.lesson_id: p for p in progress.only("lesson_id", "status", "percent")}
        completed = {i for i, p in rows.items() if p.status == LessonProgress.Status.COMPLETED}
        states = lesson_states(
            outline, enrollment, completed, timezone.now(), ZoneInfo(request.user.time_zone)
        )
        minutes_left = 0.0
        for module in outline["modules"]:
            for lesson in module["lessons"]:
                lesson["state"] = states[lesson["id"]]
                lesson["progress"] = rows.get(lesson["id"])
                if lesson["state"].open:
                    lesson["url"] = reverse("learning:lesson", args=[course.slug, lesson["id"]])
                if lesson["id"] not in completed:
                    minutes_left += _minutes(lesson)
        outline["minutes_left"] = round(minutes_left)
    return render(
        request,
        "learning/course.html",
        {
            "course": course,
            "outline": outline,
            "enrollment": enrollment,
            "missing": [] if enrollment else learning.missing_prerequisites(request.user, course),
        },
    )


def _minutes(lesson: dict[str, object]) -> float:
    """A lesson's estimated minutes: the author's estimate, else a video's length."""
    estimate = lesson.get("estimated_minutes")
    if isinstance(estimate, int | float) and estimate:
        return float(estimate)
    content = lesson.get("content") or {}
    duration = content.get("duration") if isinstance(content, dict) else None
    return float(duration) / 60 if duration else 0.0


@require_POST
def enrol(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    course, _enrollment = _live_course(request, slug)
    try:
        learning.self_enroll(request.user, course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You are enrolled. Your access starts now."))
    return redirect("courses:course", slug=course.slug)
