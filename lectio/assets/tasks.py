"""Background processing of uploaded media (runs only in `lectio worker`)."""

import logging
import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from lectio.assets import documents, media
from lectio.assets.models import Asset

logger = logging.getLogger(__name__)
# A job "processing" for longer than this lost its worker; it is queued again.
STUCK_AFTER = timedelta(hours=2)
MAX_ATTEMPTS = 3


@task()
def process_asset(asset_id: int) -> str:
    """Transcode a video (or finish a document) into ``assets/<key>/r<attempt>/``.

    The job is claimed with a conditional UPDATE, so a second worker does nothing. Output
    goes to a fresh folder per attempt and becomes visible only when the asset flips to
    ready in one UPDATE: a crash mid-job leaves nothing half-published."""
    claimed = Asset.objects.filter(pk=asset_id, status=Asset.Status.QUEUED).update(
        status=Asset.Status.PROCESSING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress=0,
        error="",
    )
    if not claimed:
        return "not queued"
    asset = Asset.objects.get(pk=asset_id)
    try:
        process = _process_video if asset.kind == Asset.Kind.VIDEO else _process_document
        fields = process(asset)
    except media.MediaError as exc:
        _fail(asset, str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("Processing asset %s failed", asset.pk)
        _fail(asset, _("Processing failed unexpectedly: %(error)s") % {"error": exc})
        return "failed"
    with transaction.atomic():
        done = Asset.objects.filter(
            pk=asset.pk, status=Asset.Status.PROCESSING, attempts=asset.attempts
        ).update(status=Asset.Status.READY, progress=100, finished_at=timezone.now(), **fields)
    return "ready" if done else "superseded"


def _progress(asset: Asset) -> Callable[[int], None]:
    def report(percent: int) -> None:
        Asset.objects.filter(pk=asset.pk, status=Asset.Status.PROCESSING).update(progress=percent)

    return report


def _fetch_original(asset: Asset, work: Path) -> Path:
    """A local copy of the original (storage may be remote)."""
    source = work / ("source" + Path(asset.original).suffix)
    with default_storage.open(asset.original, "rb") as original, source.open("wb") as copy:
        shutil.copyfileobj(original, copy, 1024 * 1024)
    return source


def _store_outputs(asset: Asset, out: Path) -> str:
    """Copy a run's files to storage under a fresh ``r<attempt>`` folder; returns it."""
    prefix = f"{asset.folder}/r{asset.attempts}"
    for path in sorted(out.rglob("*")):
        if path.is_file():
            name = f"{prefix}/{path.relative_to(out).as_posix()}"
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle))
            if saved != name:  # pragma: no cover - a fresh folder has no clashes
                raise RuntimeError(f"storage renamed {name} to {saved}")
    return prefix


def _process_document(asset: Asset) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="lectio-") as tmp:
        work = Path(tmp)
        source = _fetch_original(asset, work)
        if asset.details.get("source", {}).get("convert"):
            converted = documents.convert_to_pdf(source, work / "converted")
            source = work / "out" / "document.pdf"
            source.parent.mkdir(parents=True, exist_ok=True)
            converted.rename(source)
            documents.check_pdf(source)
        pages = documents.render_thumbnails(source, work / "out", _progress(asset))
        prefix = _store_outputs(asset, work / "out")
    return {"output": prefix, "page_count": pages}


def _process_video(asset: Asset) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="lectio-") as tmp:
        work = Path(tmp)
        source = _fetch_original(asset, work)
        info = media.probe_video(source)
        result = media.transcode(source, work / "out", info, _progress(asset))
        prefix = _store_outputs(asset, work / "out")
    return {
        "output": prefix,
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "details": {**asset.details, "probe": info.as_dict(), "renditions": result.renditions},
    }


def _fail(asset: Asset, message: str) -> None:
    Asset.objects.filter(pk=asset.pk, status=Asset.Status.PROCESSING).update(
        status=Asset.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


@task()
def sweep_stuck_assets() -> int:
    """Queue again the jobs whose worker died mid-way; give up after a few attempts."""
    cutoff = timezone.now() - STUCK_AFTER
    stuck = Asset.objects.filter(status=Asset.Status.PROCESSING, started_at__lt=cutoff)
    requeued = 0
    for asset in stuck:
        if asset.attempts >= MAX_ATTEMPTS:
            _fail(asset, _("Processing stopped several times; try again or upload another file."))
            continue
        if Asset.objects.filter(pk=asset.pk, status=Asset.Status.PROCESSING).update(
            status=Asset.Status.QUEUED
        ):
            process_asset.enqueue(asset.pk)
            requeued += 1
    return requeued


@task()
def prune_stale_uploads() -> int:
    from lectio.assets import services

    return services.prune_stale_uploads(older_than=timedelta(days=2))
