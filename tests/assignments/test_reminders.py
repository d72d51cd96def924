"""The e-mails of assigned training, checked at the real SMTP sink, with time travel:
assignment → reminders → overdue → escalation → completion → expiry warning."""

from datetime import UTC, date, datetime, timedelta

import pytest

from lectio.assignments import reminders, services
from lectio.assignments.models import AssignmentEvent, Obligation
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from lectio.learning.services import Report
from lectio.notifications import sending
from tests.helpers import client_for, make_course
from tests.notifications.mail import part, subject

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)


def _deliver(mailbox, at):
    """Send what is due at ``at``; return the subjects that arrived, by recipient."""
    before = len(mailbox)
    sending.send_due(at)
    return [(m["To"], subject(m)) for m in mailbox[before:]]


def test_a_whole_cycle_sends_exactly_the_right_mail_at_the_right_time(cast, mailbox, settings):
    settings.LECTIO_REMINDER_DAYS = [7, 1]
    settings.LECTIO_ESCALATION_DAYS = 7
    settings.LECTIO_EXPIRY_WARNING_DAYS = 30
    settings.LECTIO_RENEWAL_DAYS = 14
    course = make_course(cast.instructor, "Fire Safety", pages=1, valid_months=12)
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="fixed", due_on=date(2031, 3, 20), at=T0
    )
    learner = "learner@example.com"
    assert _deliver(mailbox, T0) == [(learner, "Mandatory training assigned: Fire Safety")]
    assert "Please complete it by March 20, 2031." in part(mailbox[-1])

    def tick(at):  # what the worker's hourly job does
        services.refresh_statuses(at)
        services.renew_expiring(at)
        reminders.send_reminders(at)
        return _deliver(mailbox, at)

    assert tick(datetime(2031, 3, 10, tzinfo=UTC)) == []  # more than a week to go
    week = tick(datetime(2031, 3, 14, tzinfo=UTC))
    assert week == [(learner, "Reminder: Fire Safety is due on March 20, 2031")]
    assert tick(datetime(2031, 3, 15, tzinfo=UTC)) == []  # sent once, however often it runs
    day = tick(datetime(2031, 3, 20, 6, tzinfo=UTC))
    assert day == [(learner, "Reminder: Fire Safety is due on March 20, 2031")]
    # Due at the end of 20 March in Istanbul; the day after, it is overdue.
    assert tick(datetime(2031, 3, 21, 12, tzinfo=UTC)) == []  # not a whole day late yet
    late = tick(datetime(2031, 3, 22, 12, tzinfo=UTC))
    assert late == [(learner, "Overdue: Fire Safety")]
    assert "was due on March 20, 2031, 1 day ago" in part(mailbox[-1])
    assert tick(datetime(2031, 3, 25, tzinfo=UTC)) == []
    # A week overdue: another notice, and the manager of Türkiye hears about it (in Turkish).
    escalated = tick(datetime(2031, 3, 28, 12, tzinfo=UTC))
    assert (learner, "Overdue: Fire Safety") in escalated
    assert ("manager@example.com", "Leyla Learner, Fire Safety eğitiminde gecikti") in escalated
    assert len(escalated) == 2
    assert tick(datetime(2031, 3, 29, 12, tzinfo=UTC)) == []  # escalated once

    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    done_at = datetime(2031, 3, 30, 10, tzinfo=UTC)
    learning.record_progress(
        enrollment, course.lessons.get().pk, Report(client="a", seq=1, completed=True), at=done_at
    )
    obligation = Obligation.objects.get(user=cast.learner, course=course)
    assert obligation.status == "completed" and obligation.expires_at.date() == date(2032, 3, 30)
    assert tick(datetime(2031, 4, 7, 12, tzinfo=UTC)) == []  # no more overdue notices
    assert tick(datetime(2032, 2, 1, tzinfo=UTC)) == []  # two months before expiry
    warning = tick(datetime(2032, 3, 1, tzinfo=UTC))
    assert warning == [(learner, "Your Fire Safety completion expires on March 30, 2032")]
    assert tick(datetime(2032, 3, 2, tzinfo=UTC)) == []
    # Two weeks before it expires, the course is assigned again, due on the day it expires.
    renewed = tick(datetime(2032, 3, 17, tzinfo=UTC))
    assert renewed == [(learner, "Time to renew: Fire Safety")]
    assert "Please complete it by March 30, 2032." in part(mailbox[-1])
    current = Obligation.objects.current().get(user=cast.learner, course=course)
    assert (current.cycle, current.status) == (2, "not_started")
    reminder = tick(datetime(2032, 3, 24, tzinfo=UTC))  # a week before the new due date
    assert reminder == [(learner, "Reminder: Fire Safety is due on March 30, 2032")]


def test_no_week_reminder_when_assigned_with_less_than_a_week_left(cast, mailbox, settings):
    settings.LECTIO_REMINDER_DAYS = [7, 1]
    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="fixed", due_on=date(2031, 3, 4), at=T0
    )
    _deliver(mailbox, T0)
    reminders.send_reminders(datetime(2031, 3, 2, tzinfo=UTC))
    assert _deliver(mailbox, datetime(2031, 3, 2, tzinfo=UTC)) == []
    reminders.send_reminders(datetime(2031, 3, 4, 6, tzinfo=UTC))
    assert len(_deliver(mailbox, datetime(2031, 3, 4, 6, tzinfo=UTC))) == 1


def test_a_manager_sends_a_reminder_now_and_it_is_recorded(cast, mailbox):
    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(course, by=cast.admin, people=[cast.learner])
    obligation = Obligation.objects.get()
    client = client_for(cast.manager)
    client.post(f"/assignments/obligations/{obligation.pk}/", {"action": "remind"})
    client.post(f"/assignments/obligations/{obligation.pk}/", {"action": "remind"})
    arrived = _deliver(mailbox, datetime.now(UTC))
    assert arrived.count(("learner@example.com", "Reminder: Ethics")) == 2
    assert "Murat Manager reminds you to complete “Ethics”." in part(mailbox[-1])
    assert AssignmentEvent.objects.filter(action="reminded", actor=cast.manager).count() == 2


def test_managers_get_a_weekly_digest_once_a_week(cast, mailbox):
    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="fixed", due_on=date(2031, 3, 4), at=T0
    )
    services.refresh_statuses(datetime(2031, 3, 10, tzinfo=UTC))
    _deliver(mailbox, T0)
    monday = datetime(2031, 3, 10, 7, tzinfo=UTC)
    assert reminders.send_digests(monday) == 1
    assert reminders.send_digests(monday + timedelta(days=2)) == 1  # same week: same key
    arrived = _deliver(mailbox, monday + timedelta(days=2))
    assert [to for to, _subject in arrived] == ["manager@example.com"]
    assert "Leyla Learner: Ethics" in part(mailbox[-1])
    reminders.send_digests(monday + timedelta(days=7))
    assert len(_deliver(mailbox, monday + timedelta(days=7))) == 1


def test_the_reminder_jobs_run_through_the_real_worker(cast, mailbox):
    from lectio.assignments import tasks
    from tests.helpers import run_worker

    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(course, by=cast.admin, people=[cast.learner])
    tasks.send_reminders.enqueue()
    tasks.send_digests.enqueue()
    run_worker()
    assert [subject(m) for m in mailbox] == ["Mandatory training assigned: Ethics"]
