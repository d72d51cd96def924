"""HR sync: files an HR system drops in a folder, applied like a CSV import.

``LECTIO_HR_DROP_DIR`` receives ``departments*.csv`` and ``people*.csv`` in the import's
format (``accounts/imports.py``: same columns, same checks, same services). Every few
minutes the worker picks them up (departments first, then people, each by name):

- a file with any bad row changes nothing; it moves to ``failed/`` with an
  ``.errors.txt`` report beside it;
- a good file is applied in one transaction and moves to ``done/``;
- a people file is *full* (everyone HR knows) unless its name starts with
  ``people-changes``: after a full file, people listed by an earlier HR file but missing
  from this one are deactivated (their history stays), and people listed again are
  reactivated (a rehire) unless their ``active`` column says ``no``;
- a full file that would deactivate more than ``LECTIO_HR_MAX_DEACTIVATIONS`` people
  *and* more than ``LECTIO_HR_MAX_DEACTIVATION_PERCENT`` of the people HR sync manages
  is refused whole (most likely a truncated export); ``lectio hr_sync FILE --force``
  applies it after a look;
- a file a stopped worker left in ``processing/`` for an hour goes back to the queue
  (to ``failed/`` if a newer file of its name is waiting);
- each file makes an ``HrSyncRun`` with what changed (created, updated fields, moved,
  deactivated, errors with line numbers), listed for administrators and optionally
  e-mailed.

What changed is measured, not guessed: the state of every person (or department) the
file could touch is read before and after applying, and compared. A dry run
(``lectio hr_sync FILE --dry-run``) applies and compares the same way, then rolls back.
"""

import logging
import math
import os
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts import hooks, imports, services
from lectio.accounts.models import Department, HrSyncRun, PeopleImport, Role, User

logger = logging.getLogger(__name__)

PARTIAL_PREFIX = "people-changes"
SETTLE_SECONDS = 10  # a file written this recently may still be growing: next run
STALE_CLAIM = timedelta(hours=1)  # far longer than any run: its worker has died
_STAMP = "%Y%m%dT%H%M%S"


class _Rollback(Exception):
    """Raised inside the transaction of a dry run (or a refused file) to undo it."""


def kind_of(name: str) -> str | None:
    lower = name.lower()
    if not lower.endswith(".csv"):
        return None
    if lower.startswith("departments"):
        return PeopleImport.Kind.DEPARTMENTS
    if lower.startswith("people"):
        return PeopleImport.Kind.PEOPLE
    return None


# ---- Measuring what changed ------------------------------------------------------------


def _person_state(user: User) -> dict[str, str]:
    return {
        "full_name": user.full_name,
        "department": user.department.code if user.department else "",
        "job_title": user.job_title,
        "location": user.location,
        "employee_id": user.employee_id,
        "external_id": user.external_id,
        "hire_date": user.hire_date.isoformat() if user.hire_date else "",
        "language": user.language,
        "time_zone": user.time_zone,
        "roles": ";".join(r.value for r in user.roles if r != Role.LEARNER),
        "active": "yes" if user.is_active else "no",
    }


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    """Lists of at most ``size``: SQLite limits the parameters of one query."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _people_states(emails: list[str]) -> dict[str, dict[str, str]]:
    states = {
        user.email: _person_state(user)
        for user in User.objects.filter(hr_synced_at__isnull=False, is_active=True)
        .select_related("department")
        .iterator(chunk_size=1000)
    }
    for chunk in _chunks(emails):
        for user in User.objects.filter(email__in=chunk).select_related("department"):
            states[user.email] = _person_state(user)
    return states


def _department_states() -> dict[str, dict[str, str]]:
    return {
        d.code.lower(): {
            "code": d.code,
            "name": d.name,
            "parent": d.parent.code if d.parent else "",
            "location": d.location,
            "manager": d.manager.email if d.manager else "",
        }
        for d in Department.objects.select_related("parent", "manager")
    }


def _compare(
    before: dict[str, dict[str, str]], after: dict[str, dict[str, str]], key_name: str
) -> dict[str, list[dict[str, Any]]]:
    report: dict[str, list[dict[str, Any]]] = {"created": [], "updated": [], "moved": []}
    move_field = "department" if key_name == "email" else "parent"
    for key, new in sorted(after.items()):
        old = before.get(key)
        if old is None:
            report["created"].append({key_name: key, "name": new.get("full_name") or new["name"]})
            continue
        if old[move_field] != new[move_field]:
            report["moved"].append({key_name: key, "from": old[move_field], "to": new[move_field]})
        changes = {
            name: [old[name], value]
            for name, value in new.items()
            if name != move_field and old.get(name) != value
        }
        if changes:
            report["updated"].append({key_name: key, "changes": changes})
    return report


# ---- Applying one file -----------------------------------------------------------------


def _rows_in(text: str) -> dict[str, bool | None]:
    """Each listed address and its ``active`` column (None when empty)."""
    _report, parsed = imports._check_people(text)  # same app, same checks
    return {row.email: row.active for row in parsed}


def _left_through_hr_sync(person: User) -> bool:
    """Whether an applied HR run deactivated this person (as a leaver)."""
    when = person.deactivated_at
    return when is not None and (
        HrSyncRun.objects.filter(
            kind=PeopleImport.Kind.PEOPLE,
            status=HrSyncRun.Status.APPLIED,
            started_at__lte=when,
            finished_at__gte=when,
        ).exists()
    )


def deactivation_limit(managed: int) -> int:
    """How many people one full file may deactivate, of the ``managed`` active ones."""
    share = math.floor(managed * settings.LECTIO_HR_MAX_DEACTIVATION_PERCENT / 100)
    return max(int(settings.LECTIO_HR_MAX_DEACTIVATIONS), share)


def _apply_people(text: str, *, full: bool, force: bool, report: dict[str, Any]) -> None:
    rows = _rows_in(text)
    emails = list(rows)
    before = _people_states(emails)
    managed = User.objects.filter(hr_synced_at__isnull=False, is_active=True).count()
    result = imports.apply_people(text)
    if not result.ok:
        report["errors"] = [vars(error) for error in result.errors]
        raise _Rollback
    now = timezone.now()
    for chunk in _chunks(emails):
        User.objects.filter(email__in=chunk).update(hr_synced_at=now)
    leavers: list[User] = []
    rehired: list[User] = []
    if full:
        listed = set(emails)
        leavers = [
            person
            for person in User.objects.filter(
                hr_synced_at__isnull=False, hr_synced_at__lt=now, is_active=True
            ).order_by("email")
            if person.email not in listed
        ]
        limit = deactivation_limit(managed)
        if len(leavers) > limit and not force:
            report["errors"] = [
                {
                    "line": 0,
                    "column": "",
                    "message": _(
                        "This full file would deactivate %(count)s of %(managed)s people "
                        "(the limit is %(limit)s), so nothing was changed. If they really "
                        "left, apply it with “lectio hr_sync FILE --force”."
                    )
                    % {"count": len(leavers), "managed": managed, "limit": limit},
                }
            ]
            raise _Rollback
        for person in leavers:
            services.deactivate_person(person)
        hooks.people_changed(person.pk for person in leavers)
        # Listed again after HR sync deactivated them (a rehire): active again unless the
        # file says otherwise. Someone an administrator deactivated stays deactivated.
        returning = [email for email, active in rows.items() if active is None]
        for chunk in _chunks(returning):
            for person in User.objects.filter(email__in=chunk, is_active=False).order_by("email"):
                if _left_through_hr_sync(person):
                    services.reactivate_person(person)
                    rehired.append(person)
    after = _people_states(emails)
    report.update(_compare(before, after, "email"))
    report["deactivated"] = [{"email": person.email} for person in leavers]
    report["reactivated"] = [{"email": person.email} for person in rehired]
    # A leaver shows as deactivated, not as an update of their "active" column.
    gone = {person.email for person in leavers}
    report["updated"] = [
        entry
        for entry in report["updated"]
        if not (entry["email"] in gone and set(entry["changes"]) == {"active"})
    ]


def _apply_departments(text: str, report: dict[str, Any]) -> None:
    before = _department_states()
    result = imports.apply_departments(text)
    if not result.ok:
        report["errors"] = [vars(error) for error in result.errors]
        raise _Rollback
    report.update(_compare(before, _department_states(), "code"))


def sync_text(
    name: str,
    data: bytes,
    *,
    dry_run: bool = False,
    kind: str | None = None,
    force: bool = False,
) -> HrSyncRun:
    """Apply one HR file (or only measure it, ``dry_run``) and record the run. ``force``
    applies a full file beyond the deactivation limit."""
    started = timezone.now()
    kind = kind or kind_of(name)
    full = not name.lower().startswith(PARTIAL_PREFIX)
    report: dict[str, Any] = {
        "created": [],
        "updated": [],
        "moved": [],
        "deactivated": [],
        "reactivated": [],
        "errors": [],
        "full": bool(full and kind == PeopleImport.Kind.PEOPLE),
    }
    failed = False
    if kind is None:
        report["errors"] = [
            {
                "line": 0,
                "column": "",
                "message": _(
                    "The file name must start with “people” or “departments” and end in .csv."
                ),
            }
        ]
        failed = True
    else:
        try:
            text = imports.decode(data)
            with transaction.atomic():
                if kind == PeopleImport.Kind.PEOPLE:
                    _apply_people(text, full=full, force=force, report=report)
                else:
                    _apply_departments(text, report)
                if dry_run:
                    raise _Rollback
        except imports.FileProblem as exc:
            report["errors"] = [{"line": 0, "column": "", "message": str(exc)}]
            failed = True
        except _Rollback:
            failed = bool(report["errors"])
    if failed:
        for key in ("created", "updated", "moved", "deactivated", "reactivated"):
            report[key] = []
    status = (
        HrSyncRun.Status.FAILED
        if failed
        else HrSyncRun.Status.DRY_RUN
        if dry_run
        else HrSyncRun.Status.APPLIED
    )
    run = HrSyncRun.objects.create(
        file_name=name[:255],
        kind=kind or PeopleImport.Kind.PEOPLE,
        status=status,
        started_at=started,
        finished_at=timezone.now(),
        created=len(report["created"]),
        updated=len(report["updated"]),
        moved=len(report["moved"]),
        deactivated=len(report["deactivated"]),
        error_count=len(report["errors"]),
        report=report,
    )
    logger.info(
        "HR sync %s (%s): %s created, %s updated, %s moved, %s deactivated, %s errors",
        name,
        status,
        run.created,
        run.updated,
        run.moved,
        run.deactivated,
        run.error_count,
    )
    return run


def summary(run: HrSyncRun) -> str:
    """The run as plain text: the e-mailed report and the ``.errors.txt`` beside a failed file."""
    lines = [
        _("HR sync of %(file)s: %(status)s")
        % {"file": run.file_name, "status": run.get_status_display()},
        _(
            "%(created)s created, %(updated)s updated, %(moved)s moved, "
            "%(deactivated)s deactivated, %(errors)s errors."
        )
        % {
            "created": run.created,
            "updated": run.updated,
            "moved": run.moved,
            "deactivated": run.deactivated,
            "errors": run.error_count,
        },
    ]
    key = "email" if run.kind == PeopleImport.Kind.PEOPLE else "code"
    for entry in run.report.get("created", []):
        lines.append(_("created: %(who)s") % {"who": entry[key]})
    for entry in run.report.get("moved", []):
        lines.append(
            _("moved: %(who)s from %(old)s to %(new)s")
            % {"who": entry[key], "old": entry["from"] or "—", "new": entry["to"] or "—"}
        )
    for entry in run.report.get("updated", []):
        changes = ", ".join(f"{f}: {old!r} → {new!r}" for f, (old, new) in entry["changes"].items())
        lines.append(_("updated: %(who)s (%(changes)s)") % {"who": entry[key], "changes": changes})
    for entry in run.report.get("deactivated", []):
        lines.append(_("deactivated: %(who)s") % {"who": entry["email"]})
    for entry in run.report.get("reactivated", []):
        lines.append(_("reactivated: %(who)s") % {"who": entry["email"]})
    for error in run.report.get("errors", []):
        lines.append(
            _("line %(line)s, column %(column)s: %(message)s")
            % {"line": error["line"], "column": error["column"] or "—", "message": error["message"]}
        )
    return "\n".join(lines) + "\n"


# ---- The drop folder -------------------------------------------------------------------


def _order(path: Path) -> tuple[int, str]:
    return (0 if kind_of(path.name) == PeopleImport.Kind.DEPARTMENTS else 1, path.name)


def _move(path: Path, folder: Path, name: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / (name or path.name)
    os.replace(path, target)
    return target


def sync_drop_folder(
    folder: Path | None = None, *, settle_seconds: float = SETTLE_SECONDS
) -> list[HrSyncRun]:
    """Process every CSV file waiting in the drop folder; returns the runs made."""
    if folder is None and settings.LECTIO_HR_DROP_DIR:
        folder = Path(settings.LECTIO_HR_DROP_DIR)
    if folder is None or not folder.is_dir():
        return []
    _requeue_stale_claims(folder)
    runs = []
    now = time.time()
    waiting = [
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() == ".csv"
        and now - path.stat().st_mtime >= settle_seconds
    ]
    for path in sorted(waiting, key=_order):
        stamp = timezone.now().strftime(_STAMP)
        # Claim the file first: a rename is atomic, so two workers never both take it.
        try:
            claimed = _move(path, folder / "processing", f"{stamp}-{path.name}")
        except FileNotFoundError:
            continue
        run = sync_text(path.name, claimed.read_bytes())
        if run.status == HrSyncRun.Status.FAILED:
            kept = _move(claimed, folder / "failed")
            kept.with_name(kept.name + ".errors.txt").write_text(summary(run), encoding="utf-8")
        else:
            _move(claimed, folder / "done")
        _email(run)
        runs.append(run)
    return runs


def _requeue_stale_claims(folder: Path) -> None:
    """A file left in ``processing/`` by a worker that died goes back to the queue under
    its own name: a run is one transaction, and applying a file again changes nothing it
    already changed. If a newer file of that name is waiting, the old one is superseded
    and goes to ``failed/`` with a note instead."""
    processing = folder / "processing"
    if not processing.is_dir():
        return
    for path in processing.iterdir():
        stamp, _sep, name = path.name.partition("-")
        try:
            claimed = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        if not name or timezone.now() - claimed < STALE_CLAIM:
            continue
        try:
            if (folder / name).exists():
                kept = _move(path, folder / "failed")
                note = _("Left unfinished by a stopped run; a newer %(name)s replaced it.")
                kept.with_name(kept.name + ".errors.txt").write_text(
                    note % {"name": name} + "\n", encoding="utf-8"
                )
            else:
                _move(path, folder, name)
        except FileNotFoundError:  # another worker moved it first
            continue
        logger.warning("HR sync: %s was left in processing/ since %s", name, claimed)


def _email(run: HrSyncRun) -> None:
    recipients = settings.LECTIO_HR_REPORT_EMAILS
    if not recipients:
        return
    link = settings.SITE_URL + reverse("accounts:hr_sync_run", args=[run.pk])
    try:
        send_mail(
            _("HR sync of %(file)s: %(status)s")
            % {"file": run.file_name, "status": run.get_status_display()},
            summary(run) + "\n" + link + "\n",
            None,
            recipients,
        )
    except OSError:
        logger.exception("The HR sync report for run %s could not be e-mailed", run.pk)
