"""Every write of the scorm app: importing a package, launch sessions and commits."""

import logging
import zipfile
from datetime import datetime
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.catalog import services as catalog
from lectio.catalog.models import Lesson
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from lectio.scorm import packages, runtime
from lectio.scorm.models import Package, ScoState
from lectio.scorm.packages import PackageRefused

logger = logging.getLogger(__name__)
TOKEN_SALT = "lectio.scorm.launch"  # noqa: S105 (a signing namespace, not a secret)
SLACK_SECONDS = 15


# Importing ---------------------------------------------------------------------------


def package_facts(key: str) -> dict[str, Any] | None:
    """What catalog puts in the outline for a package lesson (see kinds/package.py)."""
    package = Package.objects.filter(key=key).only("standard", "title", "structure").first()
    if package is None:
        return None
    structure = package.structure
    return {
        "standard": package.standard,
        "title": package.title,
        "organization": structure["organization"],
        "scos": structure["scos"],
    }


def _changes(old: Package | None, structure: dict[str, Any]) -> dict[str, Any]:
    """SCOs added, removed and renamed compared with the lesson's previous package."""
    if old is None:
        return {}
    before = {sco["id"]: sco["title"] for sco in old.structure["scos"]}
    after = {sco["id"]: sco["title"] for sco in structure["scos"]}
    return {
        "previous": str(old.key),
        "added": [after[i] for i in after if i not in before],
        "removed": [before[i] for i in before if i not in after],
        "renamed": [[before[i], after[i]] for i in after if i in before and before[i] != after[i]],
        "kept": [after[i] for i in after if i in before],
    }


def import_package(
    lesson: Lesson, handle: IO[bytes], *, size: int, file_name: str, by: User
) -> Package:
    """Check an uploaded zip, unpack it to storage under the new package's key and make it
    the lesson's content (replacing any earlier package; learners' records stay, keyed by
    SCO identifier). PackageRefused names the problem; then nothing is stored."""
    if lesson.kind != Lesson.Kind.PACKAGE:
        raise PackageRefused(_("This lesson is not a package lesson."))
    archive, structure = packages.inspect(handle, size)
    package = Package(
        course_id=lesson.course_id,
        lesson=lesson,
        standard=structure["standard"],
        title=structure["title"][:300],
        file_name=file_name[:255],
        size=size,
        file_count=0,
        structure=structure,
        created_by=by,
    )
    stored = _unpack(archive, package.folder) if archive is not None else []
    try:
        with transaction.atomic():
            lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
            previous = str(lesson.content.get("package") or "")
            old = Package.objects.filter(key=previous).first() if previous else None
            package.changes = _changes(old, structure)
            package.file_count = len(stored)
            package.save()
            catalog.update_lesson(lesson, content={**lesson.content, "package": str(package.key)})
    except Exception:
        _delete(stored)
        raise
    return package


def _unpack(archive: zipfile.ZipFile, folder: str) -> list[str]:
    """Copy every member to storage (any backend: S3 works the same). On a problem the
    files written so far are removed and PackageRefused is raised."""
    stored: list[str] = []
    budget = settings.LECTIO_PACKAGE_MAX_UNPACKED_BYTES
    try:
        for info in archive.infolist():
            if info.is_dir():
                continue
            data = packages.read_member(archive, info, budget)
            budget -= len(data)
            name = f"{folder}/{info.filename}"
            saved = default_storage.save(name, ContentFile(data))
            stored.append(saved)
            if saved != name:
                raise PackageRefused(
                    _("“%(name)s” cannot be stored under its own name.") % {"name": info.filename}
                )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        _delete(stored)
        raise PackageRefused(
            _("The zip archive is damaged: %(error)s") % {"error": error}
        ) from None
    except BaseException:
        _delete(stored)
        raise
    return stored


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # best effort: a leftover file is harmless, it is never served
            logger.warning("Could not delete %s", name)


# Launching ---------------------------------------------------------------------------


def content_origin() -> str:
    """Where packages play; "" (no launching) unless its host name differs from the
    site's: browsers share cookies between ports of one host name."""
    origin = str(settings.LECTIO_CONTENT_ORIGIN or "").rstrip("/")
    host = urlsplit(origin).hostname
    if not host or host == urlsplit(settings.SITE_URL).hostname:
        return ""
    return origin


def content_host() -> str:
    return urlsplit(content_origin()).netloc


def launch_token(
    enrollment: Enrollment, lesson_id: int, package: str, attempt: int = 1, language: str = ""
) -> str:
    """A signed token naming who plays which package in which lesson; it authorises the
    content origin's requests (no cookies there). It expires (LECTIO_PACKAGE_TOKEN_SECONDS)."""
    return signing.dumps(
        {"e": enrollment.pk, "l": lesson_id, "p": package, "a": attempt, "lang": language},
        salt=TOKEN_SALT,
        compress=True,
    )


def preview_token(user: Any, lesson_id: int, package: str, language: str = "") -> str:
    """A signed token for an author's preview (a cmi5 AU in Browse mode): who previews
    which package of which lesson, with no enrolment (``e`` is 0, ``u`` the author)."""
    return signing.dumps(
        {"e": 0, "u": user.pk, "l": lesson_id, "p": package, "a": 1, "lang": language},
        salt=TOKEN_SALT,
        compress=True,
    )


def read_token(token: str) -> dict[str, Any] | None:
    try:
        value = signing.loads(token, salt=TOKEN_SALT, max_age=settings.LECTIO_PACKAGE_TOKEN_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def token_expired(token: str) -> bool:
    """Whether the token is one of ours whose time is over (rather than forged)."""
    try:
        signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return False
    return read_token(token) is None


def _sco(structure: dict[str, Any], sco_id: str) -> dict[str, Any]:
    sco: dict[str, Any] | None = next((s for s in structure["scos"] if s["id"] == sco_id), None)
    if sco is None:
        raise learning.ProgressRefused(_("The package has no item “%(id)s”.") % {"id": sco_id}, 404)
    return sco


@transaction.atomic
def start_session(
    enrollment: Enrollment,
    lesson_id: int,
    structure: dict[str, Any],
    sco_id: str,
    *,
    attempt: int = 1,
    at: datetime | None = None,
) -> dict[str, Any]:
    """A SCO is launched: a new session of its state starts (older sessions' commits are
    now stale) and the data it starts from is returned: what it stored before, entry
    (ab-initio, resume after a suspend), total time and the manifest's launch data."""
    at = at or timezone.now()
    learning.lesson_open_to(enrollment, lesson_id, at)
    sco = _sco(structure, sco_id)
    state, _created = ScoState.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson_id=lesson_id, sco=sco_id, attempt=attempt
    )
    first = state.session == 0
    state.closed_seconds += state.session_seconds
    state.session_seconds = 0
    state.session += 1
    state.seq = 0
    state.updated_at = at
    state.save()
    cmi = runtime.reloaded(structure["standard"], state.cmi)
    suspended = state.exit == "suspend"
    entry = "ab-initio" if first else "resume" if suspended else ""
    _launch_values(structure["standard"], sco, enrollment.user, cmi, entry, state.closed_seconds)
    return {"session": state.session, "sco": sco_id, "cmi": cmi}


def preview_session(user: Any, structure: dict[str, Any], sco_id: str) -> dict[str, Any]:
    """An author's preview of a SCO: a fresh start in browse mode, with no credit, that
    reads and stores nothing (SCORM 1.2 ``lesson_mode``, 2004 ``cmi.mode``)."""
    sco = _sco(structure, sco_id)
    cmi: dict[str, Any] = {}
    _launch_values(structure["standard"], sco, user, cmi, "ab-initio", 0, browse=True)
    return {"session": 1, "sco": sco_id, "cmi": cmi}


def _launch_values(
    standard: str,
    sco: dict[str, Any],
    user: Any,
    cmi: dict[str, Any],
    entry: str,
    closed_seconds: float,
    *,
    browse: bool = False,
) -> None:
    """What the LMS gives a SCO at launch: who, entry, credit and mode, total time and the
    manifest's launch data, mastery or passing score and limits."""
    credit = "no-credit" if browse else "credit"
    if standard == "scorm12":
        core = cmi.setdefault("core", {})
        core.update(
            {
                "student_id": str(user.pk),
                "student_name": _name_12(user.full_name),
                "entry": entry,
                "credit": credit,
                "total_time": runtime.duration_12(closed_seconds),
            }
        )
        if browse:
            core["lesson_mode"] = "browse"
        if sco.get("launch_data"):
            cmi["launch_data"] = sco["launch_data"]
        student_data = {}
        if sco.get("mastery_score") is not None:
            student_data["mastery_score"] = f"{sco['mastery_score']:g}"
        for key in ("max_time_allowed", "time_limit_action"):
            if sco.get(key):
                student_data[key] = sco[key]
        if student_data:
            cmi["student_data"] = student_data
        return
    cmi.update(
        {
            "learner_id": str(user.pk),
            "learner_name": user.full_name,
            "entry": entry,
            "credit": credit,
            "total_time": runtime.duration_2004(closed_seconds),
        }
    )
    if browse:
        cmi["mode"] = "browse"
    for key in ("launch_data", "completion_threshold", "scaled_passing_score"):
        if sco.get(key) not in (None, ""):
            value = sco[key]
            cmi[key] = f"{value:g}" if isinstance(value, float) else str(value)
    for key in ("max_time_allowed", "time_limit_action"):
        if sco.get(key):
            cmi[key] = sco[key]


def _name_12(full_name: str) -> str:
    """SCORM 1.2 wants "Last, First"."""
    parts = full_name.strip().rsplit(" ", 1)
    return f"{parts[1]}, {parts[0]}" if len(parts) == 2 else full_name


@transaction.atomic
def commit(
    enrollment: Enrollment,
    lesson_id: int,
    structure: dict[str, Any],
    sco_id: str,
    payload: Any,
    *,
    attempt: int = 1,
    at: datetime | None = None,
) -> bool:
    """Apply one commit of a SCO's data; False when it is stale (an older session's, or
    one this session has already passed), which changes nothing. Then the lesson's SCOs
    are rolled up and its progress recorded through ``learning.services``. Raises
    CommitRefused (malformed) or ProgressRefused (access closed, no such SCO)."""
    at = at or timezone.now()
    standard = structure["standard"]
    data = runtime.read_commit(standard, payload)
    _sco(structure, sco_id)
    state = (
        ScoState.objects.select_for_update()
        .filter(enrollment=enrollment, lesson_id=lesson_id, sco=sco_id, attempt=attempt)
        .first()
    )
    if state is None or data.session > state.session:
        raise runtime.CommitRefused(_("This launch of the item was never started."))
    if (data.session, data.seq) <= (state.session, state.seq):
        return False
    elapsed = max(0.0, (at - state.updated_at).total_seconds())
    previous = state.session_seconds
    # session_time covers the whole launch so far; it may grow by no more than time allows.
    state.session_seconds = max(
        previous, min(data.session_seconds, previous + elapsed + SLACK_SECONDS)
    )
    state.seq = data.seq
    state.cmi = data.cmi
    state.status = data.status
    state.completion = data.completion
    state.success = data.success
    state.score_raw = data.score_raw
    state.score_scaled = data.score_scaled
    state.progress_measure = data.progress_measure
    state.exit = data.exit
    state.updated_at = at
    state.save()
    states = {
        row.sco: row.facts()
        for row in ScoState.objects.filter(
            enrollment=enrollment, lesson_id=lesson_id, attempt=attempt
        )
    }
    result = runtime.rollup(standard, structure["organization"], states)
    learning.record_package_result(
        enrollment,
        lesson_id,
        completed=result.completed,
        passed=result.passed,
        score=result.score,
        progress=result.progress,
        active_seconds=state.session_seconds - previous,
        at=at,
    )
    return True


def sco_states(enrollment: Enrollment, lesson_id: int, structure: dict[str, Any]) -> dict[str, Any]:
    """Each SCO's outcome for the table of contents (one query)."""
    rows = {
        row.sco: row.facts()
        for row in ScoState.objects.filter(enrollment=enrollment, lesson_id=lesson_id, attempt=1)
    }
    return {
        sco["id"]: runtime.outcome(structure["standard"], sco, rows.get(sco["id"], {}))
        for sco in structure["scos"]
    }
