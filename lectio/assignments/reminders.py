"""The e-mails of assigned training, all through ``notifications.notify`` (one message per
key, ever, so every function here can run again and again without mailing twice):

- on assignment (a new obligation);
- reminders before the due date (``LECTIO_REMINDER_DAYS``, e.g. 7 and 1 days), only for
  offsets that fall after the assignment (nobody assigned two days before the due date
  gets a "due in 7 days" message);
- overdue reminders: the day after the due date, then weekly;
- escalation to the person's manager (the nearest department up the tree with a manager
  other than the person) after ``LECTIO_ESCALATION_DAYS`` overdue, once;
- expiry warnings ``LECTIO_EXPIRY_WARNING_DAYS`` before a completion stops counting;
- a weekly digest to every manager of the state of their team;
- "send a reminder now" by an administrator or manager (audited).

The worker runs ``send_reminders`` hourly and ``send_digests`` daily (a digest's key names
the ISO week, so each manager gets one a week).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from lectio.accounts.models import Department, User
from lectio.assignments.models import AssignmentEvent, Obligation
from lectio.notifications.services import notify

S = Obligation.Status
PENDING = [S.NOT_STARTED, S.IN_PROGRESS]


def _title(obligation: Obligation, language: str) -> str:
    version = obligation.course.live_version
    return version.title_in(language) if version else obligation.course.title


def _context(obligation: Obligation, person: User) -> dict[str, Any]:
    return {
        "course_title": _title(obligation, person.language),
        "course_url": settings.SITE_URL + reverse("courses:course", args=[obligation.course.slug]),
        "due_at": obligation.due_at,
        "mandatory": obligation.mandatory,
    }


def _with_course(obligations: QuerySet[Obligation]) -> QuerySet[Obligation]:
    return obligations.select_related("user", "course__live_version").defer(
        "course__live_version__outline", "course__live_version__search_text"
    )


def assigned(obligation: Obligation) -> None:
    """Tell the person about a new obligation (or that it is time to renew one)."""
    person = obligation.user
    renewal = obligation.cycle > 1
    notify(
        person,
        kind="assignments.renewal" if renewal else "assignments.assigned",
        key=f"assigned:{obligation.pk}",
        template="assignments/renewal" if renewal else "assignments/assigned",
        context=_context(obligation, person),
        mandatory=obligation.mandatory,
    )


def send_reminders(now: datetime | None = None) -> int:
    """Every reminder, overdue notice, escalation and expiry warning due now; returns how
    many notify calls were made (existing keys make them no-ops)."""
    now = now or timezone.now()
    sent = 0
    current = Obligation.objects.current()
    for days in settings.LECTIO_REMINDER_DAYS:
        window = timedelta(days=days)
        due_soon = current.filter(
            status__in=PENDING,
            due_at__gt=now,
            due_at__lte=now + window,
            due_at__gte=F("assigned_at") + window,
        )
        for obligation in _with_course(due_soon):
            notify(
                obligation.user,
                kind="assignments.reminder",
                key=f"reminder:{obligation.pk}:{days}d",
                template="assignments/reminder",
                context={**_context(obligation, obligation.user), "days": days},
                mandatory=obligation.mandatory,
            )
            sent += 1
    overdue = current.filter(status=S.OVERDUE, due_at__lte=now - timedelta(days=1))
    escalate_after = timedelta(days=settings.LECTIO_ESCALATION_DAYS)
    for obligation in _with_course(overdue.select_related("user__department")):
        assert obligation.due_at is not None
        late = now - obligation.due_at
        notify(
            obligation.user,
            kind="assignments.overdue",
            key=f"overdue:{obligation.pk}:week{late.days // 7}",
            template="assignments/overdue",
            context={**_context(obligation, obligation.user), "days_late": late.days},
            mandatory=obligation.mandatory,
        )
        sent += 1
        if obligation.mandatory and late >= escalate_after:
            sent += _escalate(obligation, late.days)
    warn = timedelta(days=settings.LECTIO_EXPIRY_WARNING_DAYS)
    expiring = current.filter(status=S.COMPLETED, expires_at__gt=now, expires_at__lte=now + warn)
    for obligation in _with_course(expiring):
        notify(
            obligation.user,
            kind="assignments.expiry",
            key=f"expiry:{obligation.pk}",
            template="assignments/expiry",
            context={**_context(obligation, obligation.user), "expires_at": obligation.expires_at},
            mandatory=obligation.mandatory,
        )
        sent += 1
    return sent


def manager_of(person: User) -> User | None:
    """The manager of the nearest department up the tree that has one (not the person)."""
    if person.department is None:
        return None
    ids = [int(i) for i in person.department.path.strip("/").split("/") if i]
    managers = dict(
        Department.objects.filter(pk__in=ids, manager__is_active=True)
        .exclude(manager=person)
        .values_list("pk", "manager")
    )
    for department_id in reversed(ids):
        if department_id in managers:
            manager: User = User.objects.get(pk=managers[department_id])
            return manager
    return None


def _escalate(obligation: Obligation, days_late: int) -> int:
    manager = manager_of(obligation.user)
    if manager is None:
        return 0
    notify(
        manager,
        kind="assignments.escalation",
        key=f"escalation:{obligation.pk}",
        template="assignments/escalation",
        context={
            **_context(obligation, manager),
            "person_name": obligation.user.full_name,
            "days_late": days_late,
            "obligation_url": settings.SITE_URL
            + reverse("assignments:obligation", args=[obligation.pk]),
        },
        mandatory=True,
    )
    return 1


def remind_now(obligation: Obligation, *, by: User) -> None:
    """An administrator or manager reminds one person now (recorded)."""
    at = timezone.now()
    event = AssignmentEvent.objects.create(
        action=AssignmentEvent.Action.REMINDED, obligation=obligation, actor=by, at=at
    )
    notify(
        obligation.user,
        kind="assignments.reminder",
        key=f"manual:{obligation.pk}:{event.pk}",
        template="assignments/reminder",
        context={**_context(obligation, obligation.user), "sender_name": by.full_name},
        mandatory=obligation.mandatory,
    )


def send_digests(now: datetime | None = None) -> int:
    """A weekly summary to every manager: their team's overdue and due-soon obligations."""
    now = now or timezone.now()
    year, week, _weekday = now.isocalendar()
    sent = 0
    for manager in User.objects.filter(
        managed_departments__isnull=False, is_active=True
    ).distinct():
        team = User.objects.visible_to(manager).exclude(pk=manager.pk).values("pk")
        current = Obligation.objects.current().filter(
            user__in=team, user__is_active=True, mandatory=True
        )
        overdue = list(
            current.filter(status=S.OVERDUE)
            .select_related("user", "course")
            .order_by("due_at")[:20]
        )
        due_soon = current.filter(
            status__in=PENDING, due_at__gt=now, due_at__lte=now + timedelta(days=7)
        ).count()
        if not overdue and not due_soon:
            continue
        notify(
            manager,
            kind="assignments.digest",
            key=f"digest:{manager.pk}:{year}-W{week:02}",
            template="assignments/digest",
            context={
                "overdue_count": current.filter(status=S.OVERDUE).count(),
                "due_soon_count": due_soon,
                "overdue": [
                    {
                        "name": o.user.full_name,
                        "course": o.course.title,
                        "due_at": o.due_at,
                    }
                    for o in overdue
                ],
                "team_url": settings.SITE_URL + reverse("assignments:team"),
            },
            mandatory=False,
        )
        sent += 1
    return sent
