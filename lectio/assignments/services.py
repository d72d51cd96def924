"""Every write to assignments and obligations.

Rules this module keeps (docs/architecture.md, "Assignments"):

- An assignment reaches the active people in its audience: listed people, departments
  with their subtrees, groups, and people matching its rule. A manager's assignment only
  reaches the people they manage.
- Each person gets one current obligation per course, however many assignments reach
  them: the earliest due date wins, and mandatory wins over recommended.
- A due date is the end of that day in the person's own time zone. A relative due date
  that would already have passed (e.g. N days after a hire long ago) counts from the day
  of the assignment instead: nobody is overdue the moment they are assigned.
- The person is enrolled (source "assigned"); if their access would end before the due
  date plus a grace period, it is extended, with an access-change record.
- People who join or move later are reached when accounts announces the change (and by
  the worker's hourly reconciliation). People who leave an audience keep their
  obligation: an administrator exempts them if it no longer applies.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import Department, Group, User, UserQuerySet
from lectio.assignments import hooks, reminders
from lectio.assignments.models import Assignment, AssignmentEvent, Obligation
from lectio.catalog.models import Course, LearningPath
from lectio.catalog.paths import required_course_ids
from lectio.learning import cycles
from lectio.learning import paths as learning_paths
from lectio.learning import services as learning
from lectio.learning.models import Enrollment

logger = logging.getLogger(__name__)

# Access lasts at least this long past the due date, so a late person can still finish.
OVERDUE_GRACE = timedelta(days=30)
RULE_FIELDS = ("department", "location", "job_title", "hired_after")


def _zone(person: User) -> ZoneInfo:
    try:
        return ZoneInfo(person.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# ---- Audience --------------------------------------------------------------------------


def rule_filter(rule: dict[str, Any]) -> Q | None:
    """The people a rule matches, as a filter (None for an empty rule)."""
    criteria = Q()
    if rule.get("department"):
        department = Department.objects.filter(pk=rule["department"]).first()
        if department is None:
            return Q(pk__in=[])  # the department is gone: the rule matches nobody
        criteria &= Q(department__path__startswith=department.path)
    if rule.get("location"):
        criteria &= Q(location__iexact=rule["location"]) | Q(
            department__location__iexact=rule["location"]
        )
    if rule.get("job_title"):
        criteria &= Q(job_title__iexact=rule["job_title"])
    if rule.get("hired_after"):
        criteria &= Q(hire_date__gt=date.fromisoformat(rule["hired_after"]))
    return criteria if criteria else None


def audience(assignment: Assignment) -> UserQuerySet:
    """The active people the assignment reaches now."""
    reach = Q(pk__in=assignment.people.values("pk"))
    for path in assignment.departments.values_list("path", flat=True):
        reach |= Q(department__path__startswith=path)
    reach |= Q(
        pk__in=Group.members.through.objects.filter(group__in=assignment.groups.all()).values(
            "user_id"
        )
    )
    rule = rule_filter(assignment.rule)
    if rule is not None:
        reach |= rule
    people = User.objects.filter(reach, is_active=True)
    creator = assignment.created_by
    if creator is not None and not creator.is_administrator:
        people = people & User.objects.visible_to(creator)
    reached: UserQuerySet = people.distinct()
    return reached


# ---- Creating and ending assignments ---------------------------------------------------


@transaction.atomic
def create_assignment(
    course: Course | None = None,
    *,
    path: LearningPath | None = None,
    by: User,
    people: Iterable[User] = (),
    departments: Iterable[Department] = (),
    groups: Iterable[Group] = (),
    rule: dict[str, Any] | None = None,
    due: str = Assignment.Due.NONE,
    due_on: date | None = None,
    due_days: int | None = None,
    mandatory: bool = True,
    at: datetime | None = None,
) -> tuple[Assignment, int]:
    """Assign a course or a learning path (each of its required courses becomes an
    obligation, and the person follows the path); returns the assignment and how many
    people it reached now."""
    at = at or timezone.now()
    people, departments, groups = list(people), list(departments), list(groups)
    rule = {k: v for k, v in (rule or {}).items() if k in RULE_FIELDS and v not in ("", None)}
    if (course is None) == (path is None):
        raise ValidationError(_("Choose a course or a learning path."), code="target")
    if course is not None and not course.is_live:
        raise ValidationError(_("Only a published course can be assigned."), code="not_live")
    if path is not None and not path.is_live:
        raise ValidationError(_("Only a published learning path can be assigned."), code="not_live")
    if not (people or departments or groups or rule):
        raise ValidationError(
            _("Choose whom to assign: people, departments, groups or a rule."), code="nobody"
        )
    if due == Assignment.Due.FIXED:
        if due_on is None:
            raise ValidationError({"due_on": _("Give the due date.")})
        if due_on < timezone.localdate(at):
            raise ValidationError({"due_on": _("The due date has already passed.")})
    elif due in {Assignment.Due.AFTER_ASSIGNMENT, Assignment.Due.AFTER_HIRE} and not due_days:
        raise ValidationError({"due_days": _("Give the number of days.")})
    if not by.is_administrator:
        visible = User.objects.visible_to(by)
        outside = [p.email for p in people if not visible.filter(pk=p.pk).exists()]
        managed = Department.objects.filter(manager=by).values_list("path", flat=True)
        foreign = [d.name for d in departments if not any(d.path.startswith(p) for p in managed)]
        if outside or foreign or groups:
            raise ValidationError(
                _("Managers assign to the people and departments they manage only."),
                code="scope",
            )
    assignment = Assignment.objects.create(
        course=course,
        path=path,
        rule=rule,
        due=due,
        due_on=due_on if due == Assignment.Due.FIXED else None,
        due_days=due_days if due in {"after_assignment", "after_hire"} else None,
        mandatory=mandatory,
        created_by=by,
        created_at=at,
    )
    assignment.people.set(people)
    assignment.departments.set(departments)
    assignment.groups.set(groups)
    reached = apply(assignment, at=at)
    AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.ASSIGNED,
        assignment=assignment,
        actor=by,
        at=at,
        details={"reached": reached},
    )
    return assignment, reached


@transaction.atomic
def end_assignment(assignment: Assignment, *, by: User, reason: str = "") -> None:
    """Stop the assignment from reaching anyone new; existing obligations stay."""
    if assignment.ended_at is not None:
        return
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.ENDED, assignment=assignment, actor=by, reason=reason
    )


def apply(
    assignment: Assignment, *, person_ids: Iterable[int] | None = None, at: datetime | None = None
) -> int:
    """Give every person the assignment reaches (among ``person_ids``, if given) their
    obligation; returns how many obligations were created or merged into."""
    at = at or timezone.now()
    courses = assigned_courses(assignment)
    if assignment.ended_at is not None or not courses:
        return 0  # an archived course or path reaches nobody new; its obligations stay
    people = audience(assignment)
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    # Reached already: people with an obligation from this assignment for every course.
    linked = (
        Obligation.objects.current()
        .filter(assignments=assignment, course__in=courses)
        .values("user_id")
        .annotate(n=Count("pk"))
        .filter(n=len(courses))
        .values_list("user_id", flat=True)
    )
    reached = 0
    for person in people.exclude(pk__in=list(linked)):
        if assignment.path is not None:
            learning_paths.enroll_in_path(
                person, assignment.path, source=Enrollment.Source.ASSIGNED, at=at
            )
        for course in courses:
            oblige(assignment, person, course=course, at=at)
        reached += 1
    return reached


def assigned_courses(assignment: Assignment) -> list[Course]:
    """The live courses the assignment makes people take: its course, or its path's
    required courses (electives are the person's choice, not an obligation)."""
    if assignment.course is not None:
        return [assignment.course] if assignment.course.is_live else []
    path = assignment.path
    if path is None or not path.is_live or path.live_version is None:
        return []
    ids = required_course_ids(path.live_version.outline)
    found = {
        c.pk: c for c in Course.objects.live().filter(pk__in=ids).select_related("live_version")
    }
    return [found[i] for i in ids if i in found]


def due_for(assignment: Assignment, person: User, at: datetime) -> datetime | None:
    """When the person must have completed the course under this assignment."""
    today = at.astimezone(_zone(person)).date()
    if assignment.due == Assignment.Due.FIXED and assignment.due_on:
        day = assignment.due_on
    elif assignment.due == Assignment.Due.AFTER_HIRE and assignment.due_days is not None:
        start = person.hire_date if person.hire_date else today
        day = start + timedelta(days=assignment.due_days)
        if day < today:  # hired long ago: count from today instead
            day = today + timedelta(days=assignment.due_days)
    elif assignment.due == Assignment.Due.AFTER_ASSIGNMENT and assignment.due_days is not None:
        day = today + timedelta(days=assignment.due_days)
    else:
        return None
    return learning.end_of_day(day, person.time_zone)


@transaction.atomic
def oblige(assignment: Assignment, person: User, *, course: Course, at: datetime) -> Obligation:
    """Give one person their obligation for one course of the assignment (or merge into
    the one they have), enrol them, and make their access last past the due date."""
    due_at = due_for(assignment, person, at)
    enrollment = learning.enroll(person, course, source=Enrollment.Source.ASSIGNED, at=at)
    _keep_access_open(enrollment, due_at, course, assignment, at)
    obligation = Obligation.objects.current().filter(user=person, course=course).first()
    if obligation is None:
        obligation = _new_obligation(person, enrollment, assignment, course, due_at, at)
    else:
        changes: dict[str, Any] = {}
        if (
            due_at
            and obligation.is_pending()
            and (obligation.due_at is None or due_at < obligation.due_at)
        ):
            changes["due_at"] = due_at
        if assignment.mandatory and not obligation.mandatory:
            changes["mandatory"] = True
        if changes:
            Obligation.objects.filter(pk=obligation.pk).update(**changes)
            for name, value in changes.items():
                setattr(obligation, name, value)
            _refresh_status(obligation, at)
    obligation.assignments.add(assignment)
    if obligation.status != Obligation.Status.COMPLETED:
        learning.set_due(enrollment, obligation.due_at, mandatory=obligation.mandatory)
    return obligation


def _new_obligation(
    person: User,
    enrollment: Enrollment,
    assignment: Assignment,
    course: Course,
    due_at: datetime | None,
    at: datetime,
) -> Obligation:
    obligation = Obligation(
        user=person,
        course=course,
        enrollment=enrollment,
        mandatory=assignment.mandatory,
        assigned_at=at,
        due_at=due_at,
    )
    if enrollment.completed_at is not None:
        # Completed before it was assigned: that completion counts (until it expires).
        obligation.completed_at = enrollment.completed_at
        obligation.expires_at = learning.completion_expiry(
            course, enrollment.completed_at, person.time_zone
        )
    if enrollment.last_activity_at is not None:
        obligation.started_at = enrollment.last_activity_at
    obligation.status = _status(obligation, at)
    try:
        with transaction.atomic():
            obligation.save()
    except IntegrityError:  # another request made it a moment ago
        return Obligation.objects.current().get(user=person, course=course)
    transaction.on_commit(_obligations_changed)
    if obligation.status != Obligation.Status.COMPLETED:
        reminders.assigned(obligation)
    return obligation


def _keep_access_open(
    enrollment: Enrollment,
    due_at: datetime | None,
    course: Course,
    assignment: Assignment,
    at: datetime,
) -> None:
    needed = due_at + OVERDUE_GRACE if due_at else None
    starts, ends = enrollment.access_starts_at, enrollment.access_ends_at
    closed = ends is not None and ends <= at
    short = ends is not None and (needed is None or ends < needed)
    if not (closed or short):
        return
    if closed:
        starts = at
    if needed is None:
        _starts, default_end = learning.access_window(course, at)
        new_end = default_end
    else:
        new_end = needed
    if ends is not None and new_end is not None and new_end <= ends:
        return
    learning.change_access(
        enrollment,
        starts_at=starts,
        ends_at=new_end,
        by=assignment.created_by,
        reason=_("Assigned (assignment %(id)s): access lasts past the due date.")
        % {"id": assignment.pk},
    )


GENERATION_KEY = "lectio:obligations-generation"


def obligations_generation() -> int:
    """A number that changes whenever an obligation is created (cached pages key on it)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _obligations_changed() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet
        cache.add(GENERATION_KEY, 2, None)


# ---- Status ----------------------------------------------------------------------------


def _status(obligation: Obligation, at: datetime) -> str:
    if obligation.status == Obligation.Status.EXEMPT:
        return Obligation.Status.EXEMPT
    if obligation.completed_at is not None:
        if obligation.expires_at is not None and obligation.expires_at <= at:
            return Obligation.Status.EXPIRED
        return Obligation.Status.COMPLETED
    if obligation.due_at is not None and obligation.due_at < at:
        return Obligation.Status.OVERDUE
    if obligation.started_at is not None:
        return Obligation.Status.IN_PROGRESS
    return Obligation.Status.NOT_STARTED


def _refresh_status(obligation: Obligation, at: datetime) -> None:
    status = _status(obligation, at)
    if status != obligation.status:
        obligation.status = status
        Obligation.objects.filter(pk=obligation.pk).update(status=status)


@transaction.atomic
def refresh_statuses(at: datetime | None = None) -> dict[str, int]:
    """The worker's sweep when dates pass: open obligations past their due date become
    overdue, completions past their expiry expire. Indexed queries, no scans."""
    at = at or timezone.now()
    # The ids first, so the hooks (webhooks) learn which obligations became overdue.
    newly_overdue = list(
        Obligation.objects.current()
        .filter(
            status__in=[Obligation.Status.NOT_STARTED, Obligation.Status.IN_PROGRESS],
            due_at__lt=at,
        )
        .values_list("pk", flat=True)
    )
    overdue = Obligation.objects.filter(pk__in=newly_overdue).update(
        status=Obligation.Status.OVERDUE
    )
    if newly_overdue:
        transaction.on_commit(lambda: hooks.obligations_overdue(newly_overdue))
    expired = (
        Obligation.objects.current()
        .filter(status=Obligation.Status.COMPLETED, expires_at__lte=at)
        .update(status=Obligation.Status.EXPIRED)
    )
    return {"overdue": overdue, "expired": expired}


def course_started(enrollment_id: int) -> None:
    """Learning's hook: the person's first activity in the course."""
    now = timezone.now()
    Obligation.objects.current().filter(
        enrollment_id=enrollment_id, started_at__isnull=True
    ).update(started_at=now)
    Obligation.objects.current().filter(
        enrollment_id=enrollment_id, status=Obligation.Status.NOT_STARTED
    ).update(status=Obligation.Status.IN_PROGRESS)


@transaction.atomic
def course_completed(enrollment_id: int) -> None:
    """Learning's hook: the person completed the course; their obligation is met."""
    enrollment = Enrollment.objects.select_related("course__live_version", "user").get(
        pk=enrollment_id
    )
    assert enrollment.completed_at is not None
    obligation = (
        Obligation.objects.current()
        .select_for_update()
        .filter(enrollment=enrollment, completed_at__isnull=True)
        .first()
    )
    if obligation is None:
        return
    obligation.completed_at = enrollment.completed_at
    obligation.expires_at = learning.completion_expiry(
        enrollment.course, enrollment.completed_at, enrollment.user.time_zone
    )
    obligation.started_at = obligation.started_at or enrollment.completed_at
    if obligation.status != Obligation.Status.EXEMPT:
        obligation.status = _status(obligation, timezone.now())
    obligation.save(update_fields=["completed_at", "expires_at", "started_at", "status"])
    AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.COMPLETED,
        obligation=obligation,
        at=enrollment.completed_at,
        details={"late": bool(obligation.due_at and obligation.due_at < enrollment.completed_at)},
    )


def people_changed(person_ids: list[int]) -> None:
    """Accounts' hook: people joined, moved or changed; dynamic assignments may now reach
    them (new hires get their onboarding)."""
    reconcile(person_ids=person_ids)


def reconcile(*, person_ids: Iterable[int] | None = None, at: datetime | None = None) -> int:
    """Apply every live assignment with a dynamic audience again (to ``person_ids`` only,
    when given). Idempotent; run hourly by the worker as well."""
    ids = list(person_ids) if person_ids is not None else None
    reached = 0
    live = Assignment.objects.filter(ended_at__isnull=True).select_related(
        "course__live_version", "path__live_version", "created_by"
    )
    for assignment in live:
        if assignment.is_dynamic:
            reached += apply(assignment, person_ids=ids, at=at)
    return reached


# ---- Recertification -------------------------------------------------------------------


@transaction.atomic
def renew(obligation: Obligation, *, due_at: datetime, at: datetime, reason: str) -> Obligation:
    """The next cycle of a met obligation: the person takes the course again by ``due_at``.
    The finished cycle stays on record (superseded, never changed otherwise); the learner's
    enrolment starts over (``learning.cycles``)."""
    obligation = (
        Obligation.objects.select_for_update(of=("self",))
        .select_related("user", "course")
        .get(pk=obligation.pk)
    )
    if obligation.superseded_at is not None:
        return Obligation.objects.current().get(user=obligation.user, course=obligation.course)
    obligation.superseded_at = at
    obligation.save(update_fields=["superseded_at"])
    enrollment = cycles.start_new_cycle(obligation.enrollment, at=at)
    following = Obligation.objects.create(
        user=obligation.user,
        course=obligation.course,
        enrollment=enrollment,
        cycle=obligation.cycle + 1,
        mandatory=obligation.mandatory,
        assigned_at=at,
        due_at=due_at,
        status=Obligation.Status.NOT_STARTED,
    )
    following.assignments.set(obligation.assignments.all())
    transaction.on_commit(_obligations_changed)
    learning.set_due(enrollment, due_at, mandatory=following.mandatory, replace=True)
    needed = due_at + OVERDUE_GRACE
    if enrollment.access_ends_at is not None and enrollment.access_ends_at < needed:
        learning.change_access(
            enrollment,
            starts_at=enrollment.access_starts_at,
            ends_at=needed,
            by=None,
            reason=_("Renewal (cycle %(cycle)s): access lasts past the due date.")
            % {"cycle": following.cycle},
        )
    AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.RENEWED,
        obligation=following,
        at=at,
        reason=reason,
        details={"previous": obligation.pk},
    )
    reminders.assigned(following)
    return following


def renew_expiring(at: datetime | None = None) -> int:
    """Before a completion expires, the person is assigned the course again, due on the
    day it expires (``LECTIO_RENEWAL_DAYS`` ahead); an already expired one is due in as
    many days. Only obligations that a live assignment still holds are renewed."""
    at = at or timezone.now()
    ahead = timedelta(days=settings.LECTIO_RENEWAL_DAYS)
    due = (
        Obligation.objects.current()
        .filter(
            status__in=[Obligation.Status.COMPLETED, Obligation.Status.EXPIRED],
            expires_at__lte=at + ahead,
            assignments__ended_at__isnull=True,
            course__status=Course.Status.PUBLISHED,
        )
        .select_related("user")
        .distinct()
    )
    renewed = 0
    for obligation in due:
        assert obligation.expires_at is not None
        expires_on = obligation.expires_at.astimezone(_zone(obligation.user)).date()
        due_at = learning.end_of_day(expires_on, obligation.user.time_zone)
        if due_at <= at:
            due_at = learning.end_of_day(
                at.astimezone(_zone(obligation.user)).date() + ahead, obligation.user.time_zone
            )
        renew(obligation, due_at=due_at, at=at, reason=_("The completion expires."))
        renewed += 1
    return renewed


def major_revision(course_id: int, version_id: int) -> None:
    """Catalog's hook: a major revision asks everyone who completed an earlier version (of
    a mandatory obligation) to complete the new one within ``LECTIO_RENEWAL_DAYS``."""
    at = timezone.now()
    ahead = timedelta(days=settings.LECTIO_RENEWAL_DAYS)
    done = (
        Obligation.objects.current()
        .filter(course_id=course_id, mandatory=True, status=Obligation.Status.COMPLETED)
        .select_related("user")
    )
    for obligation in done:
        due_at = learning.end_of_day(
            at.astimezone(_zone(obligation.user)).date() + ahead, obligation.user.time_zone
        )
        renew(obligation, due_at=due_at, at=at, reason=_("A major revision of the course."))


# ---- Exemptions and due dates ----------------------------------------------------------


@transaction.atomic
def exempt(obligation: Obligation, *, by: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the person is exempt.")})
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.status == Obligation.Status.EXEMPT:
        return
    obligation.status, obligation.exempt_reason = Obligation.Status.EXEMPT, reason.strip()
    obligation.save(update_fields=["status", "exempt_reason"])
    learning.clear_due(obligation.enrollment)
    AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.EXEMPTED, obligation=obligation, actor=by, reason=reason
    )


@transaction.atomic
def lift_exemption(obligation: Obligation, *, by: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the exemption ends.")})
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.status != Obligation.Status.EXEMPT:
        return
    obligation.status = Obligation.Status.NOT_STARTED
    obligation.exempt_reason = ""
    obligation.status = _status(obligation, timezone.now())
    obligation.save(update_fields=["status", "exempt_reason"])
    learning.set_due(
        obligation.enrollment, obligation.due_at, mandatory=obligation.mandatory, replace=True
    )
    AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.EXEMPTION_LIFTED,
        obligation=obligation,
        actor=by,
        reason=reason,
    )


@transaction.atomic
def change_due(obligation: Obligation, *, due_on: date, by: User, reason: str) -> None:
    """Move a person's due date (earlier or later), with a reason on record."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the due date changes.")})
    obligation = (
        Obligation.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=obligation.pk)
    )
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date has already passed.")})
    old = obligation.due_at
    obligation.due_at = learning.end_of_day(due_on, obligation.user.time_zone)
    obligation.status = _status(obligation, timezone.now())
    obligation.save(update_fields=["due_at", "status"])
    learning.set_due(obligation.enrollment, obligation.due_at, replace=True)
    AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.DUE_CHANGED,
        obligation=obligation,
        actor=by,
        reason=reason,
        details={
            "from": old.isoformat() if old else None,
            "to": obligation.due_at.isoformat(),
        },
    )
