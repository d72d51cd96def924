"""Every write to uploads and assets.

An upload gathers its chunks in a local part file; when the last byte arrives the file is
checked by content (a video must probe as one, a document must be a readable PDF). A bad
file is deleted with its upload and the person gets the reason; a good one is stored and
becomes an Asset whose processing is enqueued for the worker.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.assets import captions, documents, media
from lectio.assets.models import Asset, Caption, Upload
from lectio.catalog import services as catalog
from lectio.catalog.models import Course, Lesson

CHUNK_READ = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class UploadConflict(Exception):
    """A chunk that does not start where the upload stands; the client resumes from there."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


def part_path(upload: Upload) -> Path:
    return Path(settings.LECTIO_UPLOAD_DIR) / f"{upload.key}.part"


def start_upload(
    *,
    course: Course,
    kind: str,
    file_name: str,
    size: int,
    by: User,
    lesson: Lesson | None = None,
    language: str = "",
) -> Upload:
    limit = settings.LECTIO_UPLOAD_MAX_BYTES
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the largest allowed is %(limit)s MB.")
            % {"size": size // 1024**2, "limit": limit // 1024**2},
            code="too_large",
        )
    if kind not in Asset.Kind.values:
        raise ValidationError(_("Unknown kind of file."), code="kind")
    if lesson is not None and lesson.course_id != course.pk:
        raise ValidationError(_("The lesson is not part of this course."), code="lesson")
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("That language is not available."), code="language")
    upload = Upload.objects.create(
        course=course,
        lesson=lesson,
        language=language,
        kind=kind,
        file_name=Path(file_name).name[:255],
        size=size,
        created_by=by,
    )
    path = part_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return upload


def receive_chunk(upload: Upload, *, start: int, stream: Readable, length: int) -> Upload:
    """Append ``length`` bytes that belong at ``start``; returns the upload as it stands."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if start != upload.received or upload.asset_id is not None:
            raise UploadConflict(upload.received)
        if start + length > upload.size:
            raise ValidationError(_("More bytes arrived than the file's announced size."))
        path = part_path(upload)
        written = 0
        with path.open("r+b") as part:
            part.seek(start)
            while written < length:
                block = stream.read(min(CHUNK_READ, length - written))
                if not block:
                    break
                part.write(block)
                written += len(block)
            part.truncate(start + written)
        # An interrupted chunk keeps what arrived; the client resumes from there.
        upload.received = start + written
        upload.save(update_fields=["received"])
    return upload


def finish_upload(upload: Upload) -> Asset:
    """Check the complete file by its content and turn it into an Asset (processing queued).

    On a bad file the upload and its bytes are removed and ValidationError says why."""
    path = part_path(upload)
    try:
        with transaction.atomic():
            asset = ingest_file(
                course=upload.course,
                lesson=upload.lesson,
                kind=upload.kind,
                path=path,
                name=upload.file_name,
                by=upload.created_by,
                language=upload.language or None,
            )
            upload.asset = asset
            upload.save(update_fields=["asset"])
    except ValidationError:
        discard_upload(upload)
        raise
    path.unlink(missing_ok=True)
    return asset


def ingest_file(
    *,
    course: Course,
    lesson: Lesson | None,
    kind: str,
    path: Path,
    name: str,
    by: User | None,
    language: str | None = None,
) -> Asset:
    """A local file becomes an Asset: checked by content, stored, attached to the lesson,
    processing enqueued after commit. ValidationError says what is wrong with a bad file."""
    try:
        details = _check(kind, path)
    except media.MediaError as exc:
        raise ValidationError(str(exc), code="bad_file") from exc
    suffix = Path(name).suffix.lower()[:10]
    with transaction.atomic():
        asset = Asset.objects.create(
            course=course,
            kind=kind,
            original_name=name,
            size=path.stat().st_size,
            created_by=by,
            original="",
            duration=details.get("duration"),
            width=details.get("width"),
            height=details.get("height"),
            page_count=details.get("page_count"),
            details={"source": details},
        )
        with path.open("rb") as handle:
            asset.original = default_storage.save(f"{asset.folder}/original{suffix}", File(handle))
        asset.save(update_fields=["original"])
        if lesson is not None:
            catalog.set_lesson_file(lesson, str(asset.key), language)
        _enqueue(asset)
    return asset


def _check(kind: str, path: Path) -> dict[str, Any]:
    if kind == Asset.Kind.VIDEO:
        return media.probe_video(path).as_dict()
    return documents.check_pdf(path)


def discard_upload(upload: Upload) -> None:
    part_path(upload).unlink(missing_ok=True)
    upload.delete()


def _enqueue(asset: Asset) -> None:
    from lectio.assets.tasks import process_asset

    transaction.on_commit(lambda: process_asset.enqueue(asset.pk))


@transaction.atomic
def retry_asset(asset: Asset) -> None:
    """Queue a failed asset again (the author's "Try again")."""
    updated = Asset.objects.filter(pk=asset.pk, status=Asset.Status.FAILED).update(
        status=Asset.Status.QUEUED, progress=0, error=""
    )
    if updated:
        _enqueue(asset)


def prune_stale_uploads(*, older_than: timedelta) -> int:
    """Forget uploads abandoned half-way (their part files too)."""
    stale = Upload.objects.filter(asset__isnull=True, created_at__lt=timezone.now() - older_than)
    count = 0
    for upload in stale:
        discard_upload(upload)
        count += 1
    return count


@transaction.atomic
def set_caption(asset: Asset, *, language: str, data: bytes) -> Caption:
    """Add or replace the captions of a video in one language (WebVTT or SRT).

    captions.CaptionError lists every problem by line; nothing is stored then."""
    if asset.kind != Asset.Kind.VIDEO:
        raise ValidationError(_("Captions belong to videos."), code="kind")
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("That language is not available."), code="language")
    text = captions.to_webvtt(data, duration=asset.duration)
    name = f"{asset.folder}/captions/{language}.vtt"
    default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(text.encode()))
    caption, _created = Caption.objects.update_or_create(
        asset=asset, language=language, defaults={"file": saved, "created_at": timezone.now()}
    )
    return caption


@transaction.atomic
def remove_caption(caption: Caption) -> None:
    default_storage.delete(caption.file)
    caption.delete()
