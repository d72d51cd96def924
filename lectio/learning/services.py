"""Every write to a learner's enrolments and progress: the one write path.

Every learning event — a video heartbeat, a page read, pages of a document seen — goes
through ``record_progress`` (a policy confirmed goes through ``attest``, which also stores
the evidence). Both update the lesson's progress and the enrolment's cached percent in one
transaction through the same step, and after commit announce a completed course to the
hooks other apps registered (``learning.hooks``).
"""

import calendar
import ipaddress
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.catalog.models import Course, CourseVersion
from lectio.catalog.services import localize
from lectio.learning import hooks, intervals, statements
from lectio.learning.availability import lesson_states
from lectio.learning.models import (
    AccessChange,
    Attestation,
    CourseCompletion,
    Enrollment,
    LessonProgress,
    WatchSegment,
)

logger = logging.getLogger(__name__)

# A video can be watched at 2x at most: no more unique seconds than twice the time passed.
MAX_SPEED = 2.0
# Reports arrive late and in bursts (offline queue, two tabs): a little slack.
SLACK_SECONDS = 15.0
DEFAULT_THRESHOLD = 0.9


def access_window(course: Course, enrolled_at: datetime) -> tuple[datetime | None, datetime | None]:
    """The access window a new enrolment gets from the course's published settings."""
    assert course.live_version is not None
    info = course.live_version.outline["course"]
    if info["access"] == Course.Access.RELATIVE:
        return enrolled_at, enrolled_at + timedelta(days=info["access_days"])
    if info["access"] == Course.Access.FIXED:
        starts = parse_datetime(info["access_starts_at"]) if info["access_starts_at"] else None
        ends = parse_datetime(info["access_ends_at"]) if info["access_ends_at"] else None
        return starts, ends
    return enrolled_at, None


def self_enroll(user: User, course: Course, *, at: datetime | None = None) -> Enrollment:
    """A learner enrols from the catalogue: only in live, open courses. Idempotent."""
    live = course.live_version
    if not course.is_live or live is None or live.visibility != Course.Visibility.OPEN:
        raise ValidationError(_("This course is not open for enrolment."), code="closed")
    missing = missing_prerequisites(user, course)
    if missing:
        raise ValidationError(
            _("Complete these courses first: %(titles)s.")
            % {
                "titles": ", ".join(
                    c.live_version.title if c.live_version else c.title for c in missing
                )
            },
            code="prerequisites",
        )
    return enroll(user, course, source=Enrollment.Source.SELF, at=at)


def missing_prerequisites(user: User, course: Course) -> list[Course]:
    """The published prerequisites of ``course`` that ``user`` has not completed."""
    assert course.live_version is not None
    required = course.live_version.outline["course"].get("prerequisites", [])
    if not required:
        return []
    done = set(
        Enrollment.objects.filter(
            user=user, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return list(Course.objects.filter(pk__in=set(required) - done).select_related("live_version"))


def enroll(user: User, course: Course, *, source: str, at: datetime | None = None) -> Enrollment:
    """Enrol ``user`` (or return their existing enrolment, unchanged)."""
    at = at or timezone.now()
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    starts, ends = access_window(course, at)
    try:
        with transaction.atomic():
            created = Enrollment.objects.create(
                user=user,
                course=course,
                source=source,
                enrolled_at=at,
                access_starts_at=starts,
                access_ends_at=ends,
            )
    except IntegrityError:  # a second tab enrolled at the same moment
        return Enrollment.objects.get(user=user, course=course)
    transaction.on_commit(lambda: hooks.enrollment_created(created.pk))
    return created


@transaction.atomic
def enroll_people(
    course: Course,
    people: list[User],
    *,
    due_on: date | None = None,
    mandatory: bool = False,
    at: datetime | None = None,
) -> int:
    """An administrator enrols people (already enrolled ones keep their enrolment), with an
    optional due date: the end of that day in each person's own time zone."""
    if course.live_version is None:
        raise ValidationError(_("Publish the course before enrolling people."), code="draft")
    before = Enrollment.objects.filter(course=course).count()
    for person in people:
        enrollment = enroll(person, course, source=Enrollment.Source.ADMIN, at=at)
        due_at = end_of_day(due_on, person.time_zone) if due_on is not None else None
        set_due(enrollment, due_at, mandatory=mandatory)
    return Enrollment.objects.filter(course=course).count() - before


def end_of_day(day: date, time_zone: str) -> datetime:
    """The last moment of ``day`` in ``time_zone``: "due on 31 March" is fair everywhere."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)


def add_months(moment: datetime, months: int, zone: str = "UTC") -> datetime:
    """``moment`` plus calendar months, counted in the time zone ``zone`` (so a completion on
    31 January in Istanbul stays valid until 28 or 29 February there), as an aware datetime
    in UTC. A day the target month lacks becomes its last day."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = moment.astimezone(tz)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    shifted = local.replace(tzinfo=None).replace(year=year, month=month, day=day)
    return shifted.replace(tzinfo=tz).astimezone(UTC)


def completion_expiry(course: Course, completed_at: datetime, zone: str) -> datetime | None:
    """When a completion of ``course`` stops counting: its published validity in months
    (none: never). Certificates and assignments both ask here, so they always agree."""
    months = (
        outline_of(course.live_version)["course"].get("valid_months")
        if course.live_version
        else None
    )
    return add_months(completed_at, int(months), zone) if months else None


def set_due(
    enrollment: Enrollment,
    due_at: datetime | None,
    *,
    mandatory: bool = False,
    replace: bool = False,
) -> None:
    """Give an enrolment a due date. Obligations merge: the earliest due date wins (unless
    ``replace``: an administrator moved it), and once mandatory an enrolment stays so."""
    fields: dict[str, Any] = {}
    earlier = enrollment.due_at is None or (due_at is not None and due_at < enrollment.due_at)
    if due_at is not None and (earlier or replace):
        fields["due_at"] = enrollment.due_at = due_at
    if mandatory and not enrollment.mandatory:
        fields["mandatory"] = enrollment.mandatory = True
    if fields:
        Enrollment.objects.filter(pk=enrollment.pk).update(**fields)


def clear_due(enrollment: Enrollment) -> None:
    """The person no longer owes this course by a date (e.g. they were exempted)."""
    Enrollment.objects.filter(pk=enrollment.pk).update(due_at=None, mandatory=False)


@transaction.atomic
def change_access(
    enrollment: Enrollment,
    *,
    starts_at: datetime | None,
    ends_at: datetime | None,
    by: User | None,
    reason: str,
) -> AccessChange:
    """Extend or shorten an enrolment's access window; the change is recorded with its reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the access changes.")})
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    change = AccessChange.objects.create(
        enrollment=enrollment,
        changed_by=by,
        old_starts_at=enrollment.access_starts_at,
        old_ends_at=enrollment.access_ends_at,
        new_starts_at=starts_at,
        new_ends_at=ends_at,
        reason=reason.strip(),
    )
    enrollment.access_starts_at, enrollment.access_ends_at = starts_at, ends_at
    enrollment.save(update_fields=["access_starts_at", "access_ends_at"])
    return change


@transaction.atomic
def withdraw(
    enrollment: Enrollment, *, by: User | None, reason: str, at: datetime | None = None
) -> AccessChange:
    """Take a person out of a course: access ends now (the record, progress and any
    certificate stay, as for any closed window) and the enrolment owes nothing by a date."""
    at = at or timezone.now()
    starts, ends = (
        Enrollment.objects.filter(pk=enrollment.pk)
        .values_list("access_starts_at", "access_ends_at")
        .get()
    )
    if starts is not None and starts > at:
        starts = None  # never opened: the window is simply closed
    if ends is None or ends > at:
        ends = at  # a window that closed earlier stays as it was
    change = change_access(enrollment, starts_at=starts, ends_at=ends, by=by, reason=reason)
    clear_due(enrollment)
    return change


# ---- Progress: the one write path -----------------------------------------------------------


# How long a stored launched statement is remembered (its id names the day; two days cover
# a day that began in the cache's past).
LAUNCH_MEMO_SECONDS = 2 * 86400


class ProgressRefused(Exception):
    """A report that cannot apply (access closed, lesson not in the course, bad data)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Report:
    """What a lesson page reports. ``client`` names the open page (tab) and ``seq`` counts
    its reports, so a report sent twice (retry, offline queue) applies once."""

    client: str
    seq: int
    position: float | None = None
    intervals: list[Any] = field(default_factory=list)
    active_seconds: float = 0.0
    completed: bool = False  # a text page read to the end, or marked complete
    pages: list[Any] = field(default_factory=list)
    page_seconds: dict[str, Any] = field(default_factory=dict)  # active seconds per page


def outline_of(version: CourseVersion) -> dict[str, Any]:
    """A published outline; versions never change, so it is cached for good."""
    key = f"lectio:outline:{version.pk}"
    outline = cache.get(key)
    if outline is None:
        outline = version.outline
        cache.set(key, outline, None)
    return dict(outline)


def published_lesson(course: Course, lesson_id: int) -> dict[str, Any] | None:
    if course.live_version is None:
        return None
    for module in outline_of(course.live_version)["modules"]:
        for lesson in module["lessons"]:
            if lesson["id"] == lesson_id:
                return dict(lesson)
    return None


@transaction.atomic
def open_lesson(
    enrollment: Enrollment, lesson_id: int, *, at: datetime | None = None
) -> LessonProgress:
    """A learner opens a lesson: its progress row starts (or is found) and becomes the one
    the dashboard's Resume leads to."""
    at = at or timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(
        enrollment=enrollment,
        lesson_id=lesson_id,
        defaults={
            "opened_at": at,
            "last_report_at": at,
            "status": LessonProgress.Status.IN_PROGRESS,
        },
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        last_lesson_id=lesson_id, last_activity_at=at
    )
    lesson = published_lesson(enrollment.course, lesson_id)
    if lesson is not None and enrollment.course.live_version is not None:
        outline = outline_of(enrollment.course.live_version)
        launched = statements.launched(enrollment, outline, lesson, at)
        # One launch a lesson and day: once stored (known after commit), reopening the page
        # skips the LRS's savepoint and id check (3 queries); the cache only ever says
        # "already stored", and a cold cache checks the database as before.
        stored = f"lectio:launched:{launched['id']}"
        if not cache.get(stored):
            statements.record([launched])
            transaction.on_commit(lambda: cache.set(stored, True, LAUNCH_MEMO_SECONDS))
    _announce_start(enrollment)
    return progress


def _announce_start(enrollment: Enrollment) -> None:
    if enrollment.last_activity_at is None:
        enrollment_id = enrollment.pk
        transaction.on_commit(lambda: hooks.course_started(enrollment_id))


@transaction.atomic
def record_progress(
    enrollment: Enrollment, lesson_id: int, report: Report, *, at: datetime | None = None
) -> LessonProgress:
    """Apply one report. Impossible parts are clamped (seconds beyond the media, more
    seconds than time allows, pages that do not exist); a report for a closed window or a
    lesson outside the course is refused. Progress never goes down."""
    at = at or timezone.now()
    lesson = _open_lesson_or_refuse(enrollment, lesson_id, at)
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson_id=lesson_id, defaults={"opened_at": at, "last_report_at": at}
    )
    if report.seq <= int(progress.sequence.get(report.client, 0)):
        return progress  # already applied
    elapsed = max(0.0, (at - progress.last_report_at).total_seconds())
    before = _moved(progress)
    added = int(min(max(0.0, report.active_seconds), elapsed + SLACK_SECONDS))
    progress.active_seconds += added
    percent, complete = _apply(progress, lesson, report, elapsed)
    progress.percent = max(progress.percent, percent)
    clients = {**progress.sequence, report.client: report.seq}
    progress.sequence = dict(list(clients.items())[-20:])
    events = []
    if _moved(progress) != before:  # a report that moved nothing writes no statement
        assert enrollment.course.live_version is not None
        events.append(
            statements.progressed(
                enrollment,
                outline_of(enrollment.course.live_version),
                lesson,
                progress,
                at,
                client=report.client,
                seq=report.seq,
                played=report.intervals,
                pages=report.pages,
                active_seconds=added,
            )
        )
    _save_progress(enrollment, progress, at, complete=complete, events=events)
    return progress


def _moved(progress: LessonProgress) -> tuple[Any, ...]:
    """What a progressed statement reports on: when none of it changes, none is written."""
    return (progress.percent, progress.watched_seconds, len(progress.pages_seen))


def _open_lesson_or_refuse(enrollment: Enrollment, lesson_id: int, at: datetime) -> dict[str, Any]:
    """The published lesson, when the learner may work on it now; else ProgressRefused
    (access window closed, lesson not in the published course, lesson locked)."""
    if not enrollment.is_open(at):
        raise ProgressRefused(_("Your access to this course is closed."), 403)
    lesson = published_lesson(enrollment.course, lesson_id)
    if lesson is None:
        raise ProgressRefused(_("This lesson is not part of the course."), 404)
    if locked := _locked(enrollment, lesson_id, at):
        raise ProgressRefused(locked, 403)
    return lesson


def lesson_open_to(enrollment: Enrollment, lesson_id: int, at: datetime) -> dict[str, Any]:
    """The published lesson when the learner may work on it now, else ProgressRefused:
    for other apps (a quiz attempt starts only in an open lesson)."""
    return _open_lesson_or_refuse(enrollment, lesson_id, at)


def _save_progress(
    enrollment: Enrollment,
    progress: LessonProgress,
    at: datetime,
    *,
    complete: bool,
    events: list[dict[str, Any]] | None = None,
) -> None:
    """The step every kind shares: store the (locked) progress row, completing it the first
    time ``complete`` is true, and update the enrolment's cached percent, its completion
    (whose hooks run after commit), its last lesson, and the first activity in the course
    (announced after commit). The event's xAPI statements (``events``, plus the lesson's
    and course's completion) are stored in the same transaction, in one batch."""
    events = list(events or [])
    newly_complete = complete and progress.status != LessonProgress.Status.COMPLETED
    if newly_complete:
        progress.status, progress.completed_at, progress.percent = (
            LessonProgress.Status.COMPLETED,
            at,
            100,
        )
        version = enrollment.course.live_version
        lesson = published_lesson(enrollment.course, progress.lesson_id)
        if version is not None and lesson is not None:
            outline = outline_of(version)
            events.append(statements.lesson_completed(enrollment, outline, lesson, progress, at))
    elif progress.status == LessonProgress.Status.NOT_STARTED:
        progress.status = LessonProgress.Status.IN_PROGRESS
    progress.last_report_at = at
    progress.save()
    if newly_complete:
        progress_id = progress.pk
        transaction.on_commit(lambda: hooks.lesson_completed(progress_id))
    updates: dict[str, Any] = {"last_lesson_id": progress.lesson_id, "last_activity_at": at}
    if newly_complete:
        updates.update(_course_progress(enrollment, at))
        if "completed_at" in updates and enrollment.course.live_version is not None:
            outline = outline_of(enrollment.course.live_version)
            events.append(statements.course_completed(enrollment, outline, at))
    Enrollment.objects.filter(pk=enrollment.pk).update(**updates)
    statements.record(events)
    _announce_start(enrollment)


@transaction.atomic
def attest(
    enrollment: Enrollment,
    lesson_id: int,
    *,
    language: str,
    ip: str | None,
    user_agent: str,
    at: datetime | None = None,
) -> Attestation:
    """The learner confirms an attestation lesson ("I have read and understood").

    What they confirmed is taken from the *published* outline in their language — the
    client only says "I confirm" — and stored with their name and e-mail as they are now,
    the time, the IP address and the browser. The lesson then completes like any other.
    The same text confirmed again (a repeated submit) returns the existing evidence."""
    at = at or timezone.now()
    _open_lesson_or_refuse(enrollment, lesson_id, at)
    version = enrollment.course.live_version
    assert version is not None
    outline = localize(outline_of(version), language)
    lesson = next(les for m in outline["modules"] for les in m["lessons"] if les["id"] == lesson_id)
    if lesson["kind"] != "attestation":
        raise ProgressRefused(_("This lesson asks for no confirmation."), 400)
    shown = lesson["content"]
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson_id=lesson_id, defaults={"opened_at": at, "last_report_at": at}
    )
    evidence = Attestation.objects.filter(
        enrollment=enrollment, lesson_id=lesson_id, digest=shown["digest"], cycle=enrollment.cycle
    ).first()
    if evidence is None:
        user = enrollment.user
        evidence = Attestation.objects.create(
            enrollment=enrollment,
            lesson_id=lesson_id,
            course_version=version,
            version=version.number,
            language=lesson.get("language") or outline["course"]["language"],
            lesson_title=lesson["title"][:200],
            text=shown["text"],
            confirmation=shown["confirmation"],
            digest=shown["digest"],
            cycle=enrollment.cycle,
            full_name=user.full_name,
            email=user.email,
            confirmed_at=at,
            ip_address=_ip_or_none(ip),
            user_agent=user_agent[:300],
        )
    _save_progress(enrollment, progress, at, complete=True)
    return evidence


@transaction.atomic
def record_quiz_result(
    enrollment: Enrollment, lesson_id: int, *, score: float, passed: bool, at: datetime
) -> LessonProgress:
    """A quiz lesson's result (already combined across attempts by its grading method):
    the score is kept as the lesson's percent, and the lesson completes once passed.
    The assessments app calls this when an attempt is submitted or graded; it decides
    what "passed" means, this only records it through the shared step."""
    lesson = _open_lesson_or_refuse(enrollment, lesson_id, at)
    if lesson["kind"] != "quiz":
        raise ProgressRefused(_("This lesson is not a quiz."), 400)
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson_id=lesson_id, defaults={"opened_at": at, "last_report_at": at}
    )
    if progress.status != LessonProgress.Status.COMPLETED:
        progress.percent = max(0, min(100, round(score)))
    assert enrollment.course.live_version is not None
    outline = outline_of(enrollment.course.live_version)
    verdict = statements.judged(enrollment, outline, lesson, at, passed=passed, score=score / 100)
    _save_progress(enrollment, progress, at, complete=passed, events=[verdict])
    return progress


@dataclass
class QuizAnswer:
    """One question of a submitted quiz attempt, for its ``answered`` statement:
    the question's stable id, the response as text, the fraction of its marks (None:
    waits for a person to grade it)."""

    question: str
    response: str
    fraction: float | None


def record_answers(
    enrollment: Enrollment, lesson_id: int, *, attempt: int, answers: list[QuizAnswer], at: datetime
) -> None:
    """The assessments app reports a submitted attempt's answers: each becomes an
    ``answered`` statement, in the caller's transaction (nothing when the lesson is no
    longer in the published course)."""
    lesson = published_lesson(enrollment.course, lesson_id)
    if lesson is None or enrollment.course.live_version is None:
        return
    outline = outline_of(enrollment.course.live_version)
    statements.record(
        [
            statements.answered(
                enrollment,
                outline,
                lesson,
                at,
                attempt=attempt,
                question=answer.question,
                response=answer.response,
                fraction=answer.fraction,
            )
            for answer in answers
        ]
    )


def record_package_result(
    enrollment: Enrollment,
    lesson_id: int,
    *,
    completed: bool,
    passed: bool | None,
    score: float | None,
    progress: float,
    active_seconds: float,
    at: datetime,
) -> LessonProgress:
    """A SCORM or cmi5 package lesson's state, rolled up over its SCOs by the scorm
    app: it completes once ``completed`` and not failed (``passed`` is None when the
    package judges no success); ``progress`` (0..1) moves the percent, never down; active
    seconds add at most the time passed. ``score`` (0..1) is the rolled-up score, kept by
    the scorm app; it does not change the percent."""
    lesson = _open_lesson_or_refuse(enrollment, lesson_id, at)
    if lesson["kind"] != "package":
        raise ProgressRefused(_("This lesson is not a package."), 400)
    progress_row, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson_id=lesson_id, defaults={"opened_at": at, "last_report_at": at}
    )
    elapsed = max(0.0, (at - progress_row.last_report_at).total_seconds())
    added = int(min(max(0.0, active_seconds), elapsed + SLACK_SECONDS))
    progress_row.active_seconds += added
    before = progress_row.percent
    if progress_row.status != LessonProgress.Status.COMPLETED:
        percent = round(max(0.0, min(1.0, progress)) * 100)
        progress_row.percent = max(progress_row.percent, min(percent, 99))
    assert enrollment.course.live_version is not None
    outline = outline_of(enrollment.course.live_version)
    events = []
    if progress_row.percent != before:
        events.append(
            statements.progressed(
                enrollment,
                outline,
                lesson,
                progress_row,
                at,
                client="package",
                seq=progress_row.percent,
                played=[],
                pages=[],
                active_seconds=added,
            )
        )
    if passed is not None:  # once per verb and cycle: the package commits its state often
        statement_id = statements.derived_id(
            enrollment, "passed" if passed else "failed", lesson["key"], enrollment.cycle
        )
        events.append(
            statements.judged(
                enrollment,
                outline,
                lesson,
                at,
                passed=passed,
                score=score,
                statement_id=statement_id,
            )
        )
    _save_progress(
        enrollment, progress_row, at, complete=completed and passed is not False, events=events
    )
    return progress_row


def _ip_or_none(value: str | None) -> str | None:
    """A valid IPv4 or IPv6 address, else None (the column accepts nothing else)."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _locked(enrollment: Enrollment, lesson_id: int, at: datetime) -> str:
    """Why the lesson is not open to this learner now ("" when it is): the same rules as
    the course page (linear order, drip release)."""
    assert enrollment.course.live_version is not None
    outline = outline_of(enrollment.course.live_version)
    completed: set[int] = set()
    if outline["course"]["sequential"]:  # only then do completed lessons matter
        completed = set(
            LessonProgress.objects.filter(
                enrollment=enrollment, status=LessonProgress.Status.COMPLETED
            ).values_list("lesson_id", flat=True)
        )
    try:
        zone = ZoneInfo(enrollment.user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    state = lesson_states(outline, enrollment, completed, at, zone)[lesson_id]
    return "" if state.open else state.reason


def _apply(
    progress: LessonProgress, lesson: dict[str, Any], report: Report, elapsed: float
) -> tuple[int, bool]:
    """Update the kind's own facts; return the lesson's percent and whether it is complete."""
    content = lesson["content"]
    if lesson["kind"] == "video":
        duration = float(content.get("duration") or 0)
        if duration <= 0:
            raise ProgressRefused(_("This video has no known length yet."))
        watched = [(float(start), float(end)) for start, end in progress.watched]
        incoming = intervals.clean(report.intervals, duration)
        if content.get("no_skip"):
            # Only seconds that continue what was watched count: no jumping ahead.
            reach, allowed = intervals.furthest_contiguous(watched), []
            for start, end in intervals.merge(incoming):
                if start <= reach + 2.0:
                    allowed.append((start, end))
                    reach = max(reach, end)
            incoming = allowed
        allowance = elapsed * MAX_SPEED + SLACK_SECONDS
        if incoming and intervals.total(intervals.merge(incoming)) <= allowance:
            # The engagement log keeps what was played, rewatches too (forged excess is not).
            WatchSegment.objects.bulk_create(
                [WatchSegment(lesson_id=progress.lesson_id, start=s, end=e) for s, e in incoming]
            )
        merged = intervals.add(watched, incoming, allowance)
        offered = intervals.total(intervals.subtract(intervals.merge(incoming), watched))
        if intervals.total(merged) - intervals.total(watched) + 1e-6 < offered:
            logger.warning(
                "Clamped a video report: %.1f new seconds offered after %.1f s (progress %s)",
                offered,
                elapsed,
                progress.pk,
            )
        progress.watched = [[round(s, 3), round(e, 3)] for s, e in merged]
        progress.watched_seconds = round(intervals.total(merged), 3)
        if report.position is not None:
            progress.position = min(max(0.0, float(report.position)), duration)
        share = progress.watched_seconds / duration
        threshold = float(content.get("threshold") or DEFAULT_THRESHOLD)
        return int(share * 100), share >= threshold
    if lesson["kind"] in {"document", "presentation"}:
        pages = int(content.get("page_count") or 0)
        seen = set(progress.pages_seen) | {
            p for p in report.pages if isinstance(p, int) and 1 <= p <= pages
        }
        progress.pages_seen = sorted(seen)
        if report.position is not None and 1 <= float(report.position) <= pages:
            progress.position = float(report.position)
        _add_page_seconds(progress, report.page_seconds, pages, elapsed + SLACK_SECONDS)
        complete = bool(pages) and len(seen) == pages
        complete = complete and progress.active_seconds >= int(content.get("min_seconds") or 0)
        percent = len(seen) * 100 // pages if pages else 0
        return (percent if complete else min(percent, 99)), complete
    if lesson["kind"] == "page":
        return (100 if report.completed else 0), report.completed
    # Quizzes and packages complete through their own apps, attestations through attest().
    return 0, False


def _add_page_seconds(
    progress: LessonProgress, offered: dict[str, Any], pages: int, allowance: float
) -> None:
    """Add the reported active seconds per page: only real pages, and no more seconds in
    all than the time that passed since the last report."""
    spent = dict(progress.page_seconds)
    for page, seconds in offered.items():
        try:
            number, amount = int(page), float(seconds)
        except (TypeError, ValueError):
            continue
        if not 1 <= number <= pages or not amount > 0:
            continue
        amount = min(amount, allowance)
        allowance -= amount
        spent[str(number)] = int(spent.get(str(number), 0)) + round(amount)
    progress.page_seconds = spent


def _course_progress(enrollment: Enrollment, at: datetime) -> dict[str, Any]:
    """The enrolment's percent from its required lessons (all lessons if none is required),
    and its completion the first time they are all done."""
    assert enrollment.course.live_version is not None
    lessons = [
        les for m in outline_of(enrollment.course.live_version)["modules"] for les in m["lessons"]
    ]
    counted = [les["id"] for les in lessons if les["required"]] or [les["id"] for les in lessons]
    done = LessonProgress.objects.filter(
        enrollment=enrollment, lesson_id__in=counted, status=LessonProgress.Status.COMPLETED
    ).count()
    fields: dict[str, Any] = {"progress_percent": done * 100 // len(counted) if counted else 0}
    if counted and done == len(counted) and enrollment.completed_at is None:
        fields["completed_at"] = at
        version = enrollment.course.live_version
        CourseCompletion.objects.get_or_create(
            enrollment=enrollment,
            cycle=enrollment.cycle,
            defaults={"completed_at": at, "course_version": version, "version": version.number},
        )
        transaction.on_commit(lambda: hooks.course_completed(enrollment.pk))
    return fields
