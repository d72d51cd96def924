"""The lesson page a learner studies on, and the endpoint its player reports progress to."""

import json
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assets import delivery
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from lectio.catalog.models import Course, Lesson
from lectio.learning import intervals, services
from lectio.learning.availability import lesson_states
from lectio.learning.models import Enrollment, LessonProgress


def _enrollment(request: AuthenticatedRequest, course: Course) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_related("user", "course__live_version")
        .filter(user=request.user, course=course)
        .first()
    )
    if enrollment is None or course.live_version is None:
        raise Http404
    return enrollment


@never_cache
def lesson(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """A lesson of a course the person is enrolled in, when it is open to them."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = _enrollment(request, course)
    assert course.live_version is not None
    outline = catalog.localize(services.outline_of(course.live_version), request.LANGUAGE_CODE)
    lessons = [les for module in outline["modules"] for les in module["lessons"]]
    current = next((les for les in lessons if les["id"] == pk), None)
    if current is None:
        raise Http404
    progress_rows = {p.lesson_id: p for p in LessonProgress.objects.filter(enrollment=enrollment)}
    completed = {i for i, p in progress_rows.items() if p.status == LessonProgress.Status.COMPLETED}
    state = lesson_states(
        outline, enrollment, completed, timezone.now(), ZoneInfo(request.user.time_zone)
    )[pk]
    index = lessons.index(current)
    context: dict[str, Any] = {
        "course": course,
        "outline": outline,
        "lesson": current,
        "state": state,
        "previous": lessons[index - 1] if index else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "progress": progress_rows.get(pk),
    }
    if state.open:
        opened = services.open_lesson(enrollment, pk)
        context["progress"] = opened
        context["furthest"] = intervals.furthest_contiguous(
            [(float(a), float(b)) for a, b in opened.watched]
        )
        context.update(_media(request, current))
        context["minutes_spent"] = opened.active_seconds // 60
        context["min_minutes"] = int(current["content"].get("min_seconds") or 0) // 60
    return render(request, "learning/lesson.html", context, status=200 if state.open else 403)


def _media(request: AuthenticatedRequest, lesson: dict[str, Any]) -> dict[str, Any]:
    """Signed addresses of the lesson's files for this person."""
    key = lesson["content"].get("asset")
    if not key:
        return {}
    asset = Asset.objects.filter(key=key, status=Asset.Status.READY).first()
    if asset is None:
        return {}
    user = request.user.pk
    if asset.kind == Asset.Kind.VIDEO:
        return {
            "hls_url": delivery.media_url(asset, user, "hls/master.m3u8"),
            "mp4_url": delivery.media_url(asset, user, "video.mp4"),
            "poster_url": delivery.media_url(asset, user, "poster.jpg"),
            "captions": [
                {
                    "language": language,
                    "url": delivery.media_url(asset, user, f"captions/{language}.vtt"),
                }
                for language in lesson["content"].get("captions", [])
            ],
        }
    return {"pdf_url": delivery.media_url(asset, user, "original.pdf")}


def _report(data: Any) -> services.Report:
    """A report from the player's form fields; malformed values become empty ones."""

    def number(name: str) -> float | None:
        try:
            value = float(data.get(name, ""))
        except (TypeError, ValueError):
            return None
        return value if value == value and abs(value) < 1e9 else None  # no NaN, no huge

    def listing(name: str) -> list[Any]:
        try:
            value = json.loads(data.get(name) or "[]")
        except ValueError:
            return []
        return value[:500] if isinstance(value, list) else []

    def mapping(name: str) -> dict[str, Any]:
        try:
            value = json.loads(data.get(name) or "{}")
        except ValueError:
            return {}
        return dict(list(value.items())[:500]) if isinstance(value, dict) else {}

    return services.Report(
        client=str(data.get("client", ""))[:64] or "page",
        seq=int(number("seq") or 0),
        position=number("position"),
        intervals=listing("intervals"),
        active_seconds=number("active_seconds") or 0.0,
        completed=data.get("completed") == "1",
        pages=listing("pages"),
        page_seconds=mapping("page_seconds"),
    )


@require_POST
def progress(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """A player's report (also as a beacon when the page is hidden)."""
    lesson = get_object_or_404(Lesson.objects.only("pk", "course_id"), pk=pk)
    enrollment = (
        Enrollment.objects.select_related("user", "course__live_version")
        .filter(user=request.user, course_id=lesson.course_id)
        .first()
    )
    if enrollment is None:
        return JsonResponse({"error": _("You are not enrolled in this course.")}, status=404)
    try:
        row = services.record_progress(enrollment, pk, _report(request.POST))
    except services.ProgressRefused as refused:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    return JsonResponse(
        {
            "status": row.status,
            "percent": row.percent,
            "watched_seconds": row.watched_seconds,
            "active_seconds": row.active_seconds,
            "position": row.position,
        }
    )


@require_POST
def complete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """ "I have read this" on a text page (works without JavaScript)."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = _enrollment(request, course)
    try:
        services.record_progress(
            enrollment,
            pk,
            services.Report(client="form", seq=int(timezone.now().timestamp()), completed=True),
        )
    except services.ProgressRefused as refused:
        messages.error(request, str(refused))
        return redirect("courses:course", slug=slug)
    messages.success(request, _("Marked as complete."))
    return redirect("learning:lesson", slug=slug, pk=pk)
