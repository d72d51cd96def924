"""The lesson page a learner studies on, and the endpoint its player reports progress to."""

import json
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assets import delivery
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from lectio.catalog.models import Course, Lesson
from lectio.learning import intervals, services
from lectio.learning.availability import lesson_states
from lectio.learning.models import Attestation, Enrollment, LessonProgress


def _heartbeat_fields() -> list[str]:
    """What a progress report reads: the enrolment, its course's published version's
    number (a completion records it) and nothing else of the course or the version — the
    outline comes from services.outline_of's cache. Selecting and building the course's
    and the version's other columns was a third of a heartbeat's CPU."""
    own = [field.name for field in Enrollment._meta.concrete_fields]
    return [*own, "course__live_version__number"]


def _enrollment(request: AuthenticatedRequest, course: Course) -> Enrollment:
    """The person's enrolment in ``course`` (404 without one, or when the course has no
    published version), holding the person and the course the request already loaded:
    one query for the enrolment's own columns."""
    enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
    if enrollment is None or course.live_version is None:
        raise Http404
    enrollment.user, enrollment.course = request.user, course
    return enrollment


class AttestForm(forms.Form):
    """The learner's confirmation: one required checkbox labelled with the sentence they
    were shown. What they confirm is taken from the published course, never from here."""

    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, sentence: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = sentence


@never_cache
def lesson(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """A lesson of a course the person is enrolled in, when it is open to them."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = _enrollment(request, course)
    return _render_lesson(request, course, enrollment, pk)


def _render_lesson(
    request: AuthenticatedRequest,
    course: Course,
    enrollment: Enrollment,
    pk: int,
    *,
    attest_form: AttestForm | None = None,
    error: services.ProgressRefused | None = None,
) -> HttpResponse:
    """The lesson page; after a refused confirmation (``error``, or an invalid
    ``attest_form``) it is shown again with the reason, and nothing is written."""
    assert course.live_version is not None
    outline = catalog.localize(services.outline_of(course.live_version), request.LANGUAGE_CODE)
    lessons = [les for module in outline["modules"] for les in module["lessons"]]
    current = next((les for les in lessons if les["id"] == pk), None)
    if current is None:
        raise Http404
    # What the page shows of a row it does not open (its JSON columns are not read).
    shown = LessonProgress.objects.filter(enrollment=enrollment).only(
        "lesson_id", "status", "percent", "position"
    )
    progress_rows = {p.lesson_id: p for p in shown}
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
        "error": error,
    }
    refused = error is not None or attest_form is not None
    if state.open and not refused:
        opened = services.open_lesson(enrollment, pk)
        context["progress"] = opened
        context["furthest"] = intervals.furthest_contiguous(
            [(float(a), float(b)) for a, b in opened.watched]
        )
        context.update(_media(request, current))
        context["minutes_spent"] = opened.active_seconds // 60
        context["min_minutes"] = int(current["content"].get("min_seconds") or 0) // 60
    if current["kind"] == "attestation":
        context.update(_attestation(enrollment, current, attest_form))
    status = error.status if error else 400 if attest_form else 200 if state.open else 403
    return render(request, "learning/lesson.html", context, status=status)


def _attestation(
    enrollment: Enrollment, lesson: dict[str, Any], form: AttestForm | None
) -> dict[str, Any]:
    """The person's confirmation of this text if any (one query), else the form; and an
    earlier text they confirmed, when it has changed since."""
    shown = lesson["content"]
    rows = list(
        Attestation.objects.filter(enrollment=enrollment, lesson_id=lesson["id"]).only(
            "digest", "version", "confirmed_at"
        )
    )
    confirmed = next((row for row in rows if row.digest == shown["digest"]), None)
    if form is not None:
        form.fields["confirm"].label = shown["confirmation"]
    return {
        "attestation": confirmed,
        "earlier_attestation": rows[0] if rows and confirmed is None else None,
        "attest_form": form or AttestForm(sentence=shown["confirmation"], prefix="attest"),
    }


def _media(request: AuthenticatedRequest, lesson: dict[str, Any]) -> dict[str, Any]:
    """Signed addresses of the lesson's files for this person."""
    key = lesson["content"].get("asset")
    if not key:
        return {}
    ready = Asset.objects.filter(key=key, status=Asset.Status.READY)
    asset = ready.only("key", "kind").first()  # what the addresses need
    if asset is None:
        return {}
    user = request.user.pk
    token = delivery.media_token(asset, user)  # signed once for all of the asset's files
    if asset.kind == Asset.Kind.VIDEO:
        return {
            "hls_url": delivery.media_url(asset, user, "hls/master.m3u8", token=token),
            "mp4_url": delivery.media_url(asset, user, "video.mp4", token=token),
            "poster_url": delivery.media_url(asset, user, "poster.jpg", token=token),
            "captions": [
                {
                    "language": language,
                    "url": delivery.media_url(asset, user, f"captions/{language}.vtt", token=token),
                }
                for language in lesson["content"].get("captions", [])
            ],
        }
    return {"pdf_url": delivery.media_url(asset, user, "original.pdf", token=token)}


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


@login_not_required  # checked below: a JSON endpoint answers 401, not a sign-in redirect
@require_POST
def progress(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """A player's report (also as a beacon when the page is hidden). Without a session
    (expired, signed out) it is refused with 401, so the player keeps it queued instead of
    following a redirect to the sign-in page."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Your session has ended: sign in again.")}, status=401)
    # The enrolment in the lesson's course, found through the lesson in one query, with
    # what the write path reads of its published version.
    enrollment = (
        Enrollment.objects.select_related("course__live_version")
        .only(*_heartbeat_fields())
        .filter(user=request.user, course__lessons=pk)
        .first()
    )
    if enrollment is None:
        get_object_or_404(Lesson.objects.only("pk"), pk=pk)  # no such lesson: 404 as ever
        return JsonResponse({"error": _("You are not enrolled in this course.")}, status=404)
    enrollment.user = request.user
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


@require_POST
def attest(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """ "I have read and understood": the ticked box is all the client sends; the text, the
    version and the person come from the server (works without JavaScript)."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = _enrollment(request, course)
    form = AttestForm(request.POST, prefix="attest")
    if not form.is_valid():
        return _render_lesson(request, course, enrollment, pk, attest_form=form)
    try:
        services.attest(
            enrollment,
            pk,
            language=request.LANGUAGE_CODE,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("user-agent", ""),
        )
    except services.ProgressRefused as refused:
        return _render_lesson(request, course, enrollment, pk, error=refused)
    messages.success(request, _("Your confirmation is recorded."))
    return redirect("learning:lesson", slug=slug, pk=pk)
