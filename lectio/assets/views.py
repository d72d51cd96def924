"""Uploads (a small JSON API the upload widget speaks), processing status, delivery."""

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assets import captions, delivery, images, media, permissions, services
from lectio.assets.models import Asset, Caption, Upload
from lectio.catalog import services as catalog
from lectio.catalog.models import Course, Lesson
from lectio.catalog.permissions import can_edit_course, catalogue_for

CHUNK_SIZE = 8 * 1024 * 1024
CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def _number(value: str | None) -> int:
    """A primary key from a form value; 0 (matches nothing) when it is not a number."""
    return int(value) if value and value.isdigit() else 0


def _error(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _upload_state(upload: Upload) -> dict[str, Any]:
    state: dict[str, Any] = {
        "key": str(upload.key),
        "size": upload.size,
        "received": upload.received,
        "chunk_size": CHUNK_SIZE,
    }
    if upload.asset is not None:
        state["asset"] = {"key": str(upload.asset.key), "status": upload.asset.status}
    return state


@require_POST
def upload_start(request: AuthenticatedRequest) -> JsonResponse:
    """Announce a file: course, kind, name and size. Answers the upload's key."""
    course = Course.objects.filter(pk=_number(request.POST.get("course"))).first()
    if course is None or not can_edit_course(request.user, course):
        return _error(_("You cannot add files to this course."), 403)
    lesson = None
    if lesson_id := request.POST.get("lesson"):
        lesson = Lesson.objects.filter(
            pk=_number(lesson_id), course=course, removed_at=None
        ).first()
        if lesson is None:
            return _error(_("The lesson is not part of this course."))
    try:
        size = int(request.POST.get("size", ""))
    except ValueError:
        return _error(_("The file size is missing."))
    try:
        upload = services.start_upload(
            course=course,
            lesson=lesson,
            language=request.POST.get("language", ""),
            kind=request.POST.get("kind", ""),
            file_name=request.POST.get("file_name", "") or "upload",
            size=size,
            by=request.user,
        )
    except ValidationError as exc:
        return _error(" ".join(exc.messages))
    return JsonResponse(_upload_state(upload), status=201)


@never_cache
@require_http_methods(["GET", "PUT"])
def upload_chunk(request: AuthenticatedRequest, key: str) -> JsonResponse:
    """GET: how far the upload is (to resume). PUT: the next chunk, with Content-Range."""
    upload = Upload.objects.select_related("asset", "lesson", "course").filter(key=key).first()
    if upload is None or upload.created_by_id != request.user.pk:
        return _error(_("There is no such upload."), 404)
    if request.method == "GET":
        return JsonResponse(_upload_state(upload))
    match = CONTENT_RANGE.match(request.headers.get("Content-Range", ""))
    if not match:
        return _error(_("A chunk needs a Content-Range header: bytes START-END/TOTAL."))
    start, end, total = (int(group) for group in match.groups())
    if total != upload.size or end < start:
        return _error(_("The Content-Range does not match the announced file."))
    length = end - start + 1
    if length > CHUNK_SIZE or _number(request.headers.get("Content-Length")) != length:
        return _error(_("A chunk must be at most 8 MB and match its Content-Range."))
    try:
        upload = services.receive_chunk(upload, start=start, stream=request, length=length)
    except services.UploadConflict as conflict:
        return _error(_("Resume from the byte the server has."), 409, received=conflict.received)
    except ValidationError as exc:
        return _error(" ".join(exc.messages))
    if upload.received == upload.size and upload.asset_id is None:
        try:
            services.finish_upload(upload)
        except ValidationError as exc:
            return _error(" ".join(exc.messages), 422)
        upload.refresh_from_db()
    return JsonResponse(_upload_state(upload))


def _asset_for_author(request: AuthenticatedRequest, key: str) -> Asset:
    asset = get_object_or_404(Asset.objects.select_related("course"), key=key)
    if not permissions.can_manage_asset(request.user, asset):
        raise Http404
    return asset


# Lesson kinds that take a file, and the kind of file each takes.
LESSON_FILES = {
    "video": Asset.Kind.VIDEO,
    "document": Asset.Kind.DOCUMENT,
    "presentation": Asset.Kind.DOCUMENT,
}


def _lesson_for_author(request: AuthenticatedRequest, pk: int) -> tuple[Lesson, str]:
    lesson = get_object_or_404(Lesson.objects.select_related("course"), pk=pk, removed_at=None)
    kind = LESSON_FILES.get(lesson.kind)
    if kind is None or not can_edit_course(request.user, lesson.course):
        raise Http404
    return lesson, kind


def _language(request: AuthenticatedRequest, lesson: Lesson) -> str:
    """The variant language a panel is about ("" for the lesson itself)."""
    language = request.GET.get("language") or request.POST.get("language") or ""
    return "" if language == lesson.course.language else language


def _lesson_asset(lesson: Lesson, language: str) -> Asset | None:
    content = lesson.variants.get(language, {}).get("content", {}) if language else lesson.content
    key = content.get("asset")
    return Asset.objects.filter(key=key, course=lesson.course).first() if key else None


def _lesson_panel(
    request: AuthenticatedRequest, lesson: Lesson, kind: str, **extra: Any
) -> HttpResponse:
    language = _language(request, lesson)
    asset = _lesson_asset(lesson, language)
    context: dict[str, Any] = {
        "lesson": lesson,
        "variant_language": language,
        "kind": kind,
        "asset": asset,
        "limit": settings.LECTIO_UPLOAD_MAX_BYTES,
        "languages": settings.LANGUAGES,
        **extra,
    }
    if asset is not None:
        context["captions"] = list(asset.captions.all())
        context.update(_preview(request, asset))
    return render(request, "assets/lesson_media.html", context)


@never_cache
@require_safe
def lesson_media(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The media panel of a lesson: its file's state, a form to upload one, captions."""
    lesson, kind = _lesson_for_author(request, pk)
    return _lesson_panel(request, lesson, kind)


@require_POST
def lesson_captions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add (or replace) the captions of the lesson's video in one language."""
    lesson, kind = _lesson_for_author(request, pk)
    asset = _lesson_asset(lesson, _language(request, lesson))
    upload = request.FILES.get("file")
    language = request.POST.get("caption_language", "")
    problems: list[str] = []
    if asset is None:
        problems = [_("Upload the video first.")]
    elif upload is None:
        problems = [_("Choose a caption file (WebVTT or SRT).")]
    else:
        try:
            services.set_caption(asset, language=language, data=upload.read())
        except captions.CaptionError as exc:
            problems = [str(problem) for problem in exc.problems]
        except ValidationError as exc:
            problems = exc.messages
    return _lesson_panel(
        request, lesson, kind, caption_problems=problems, caption_language=language
    )


@require_POST
def caption_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove captions from the video of the lesson (or its variant) named in the form."""
    lesson, kind = _lesson_for_author(request, _number(request.POST.get("lesson")))
    asset = _lesson_asset(lesson, _language(request, lesson))
    caption = get_object_or_404(Caption, pk=pk, asset=asset)
    services.remove_caption(caption)
    return _lesson_panel(request, lesson, kind)


@never_cache
@require_safe
def asset_status(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """The processing state for authors; the page polls it while work is under way."""
    asset = _asset_for_author(request, key)
    return render(request, "assets/status.html", {"asset": asset, **_preview(request, asset)})


def _preview(request: AuthenticatedRequest, asset: Asset) -> dict[str, str]:
    if asset.status != Asset.Status.READY:
        return {}
    if asset.kind == Asset.Kind.VIDEO:
        return {
            "mp4_url": delivery.media_url(asset, request.user.pk, "video.mp4"),
            "poster_url": delivery.media_url(asset, request.user.pk, "poster.jpg"),
        }
    return {"pdf_url": delivery.media_url(asset, request.user.pk, "original.pdf")}


@require_POST
def asset_retry(request: AuthenticatedRequest, key: str) -> HttpResponse:
    asset = _asset_for_author(request, key)
    services.retry_asset(asset)
    asset.refresh_from_db()
    return render(request, "assets/status.html", {"asset": asset})


@require_safe
def deliver(request: AuthenticatedRequest, key: str, token: str, path: str) -> HttpResponseBase:
    """A media file, to the person the address was made for, while they may see it."""
    asset = Asset.objects.select_related("course").filter(key=key).first()
    if asset is None or not delivery.token_is_valid(token, asset, request.user.pk):
        raise Http404
    if not permissions.can_view_asset(request.user, asset):
        raise Http404
    name = delivery.storage_name(asset, path)
    if name is None:
        raise Http404
    return delivery.serve(request, name)


@require_POST
def course_cover(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Upload the cover picture of a course (course settings page)."""
    course = get_object_or_404(Course, pk=pk)
    if not can_edit_course(request.user, course):
        raise Http404
    upload = request.FILES.get("cover")
    if upload is None or (upload.size or 0) > images.MAX_BYTES:
        messages.error(request, _("Choose a picture of at most 8 MB."))
    else:
        try:
            data = images.cover_jpeg(upload)
        except media.MediaError as exc:
            messages.error(request, str(exc))
        else:
            name = default_storage.save(
                f"courses/{course.key}/cover-{get_random_string(8)}.jpg", ContentFile(data)
            )
            catalog.set_cover(course, name)
            messages.success(
                request, _("The cover is saved; learners see it from the next publish.")
            )
    return redirect("authoring:course", pk=course.pk)


@require_safe
def cover(request: AuthenticatedRequest, key: str) -> HttpResponseBase:
    """A course's cover: the published one to those who may see the course, the draft's to
    its authors (``?draft=1``)."""
    course = get_object_or_404(Course.objects.select_related("live_version"), key=key)
    if request.GET.get("draft") and can_edit_course(request.user, course):
        name = course.cover
    elif course.live_version and _may_see(request.user, course):
        name = course.live_version.cover
    else:
        raise Http404
    if not name:
        raise Http404
    return delivery.serve(request, name)


def _may_see(user: Any, course: Course) -> bool:
    return (
        can_edit_course(user, course)
        or catalogue_for(user).filter(pk=course.pk).exists()
        or any(rule(user, course.pk) for rule in permissions.learner_rules())
    )
