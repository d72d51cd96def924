"""Recertification: before a completion expires (or after a major revision) the person is
assigned the course again; every cycle stays on record."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lectio.assignments import services
from lectio.assignments.models import AssignmentEvent, Obligation
from lectio.catalog import services as catalog
from lectio.certificates.models import Certificate
from lectio.learning import services as learning
from lectio.learning.models import (
    ArchivedLessonProgress,
    CourseCompletion,
    Enrollment,
    LessonProgress,
)
from lectio.learning.services import Report
from tests.helpers import client_for, make_course

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)


def _complete(enrollment, course, at):
    for number, lesson in enumerate(course.lessons.order_by("position"), start=1):
        learning.record_progress(
            Enrollment.objects.get(pk=enrollment.pk),
            lesson.pk,
            Report(client=f"c{at.timestamp()}", seq=number, completed=True),
            at=at,
        )


def test_a_yearly_course_is_renewed_before_it_expires_and_every_cycle_is_kept(cast, settings):
    settings.LECTIO_RENEWAL_DAYS = 30
    course = make_course(cast.instructor, "Fire Safety", pages=2, valid_months=12)
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="fixed", due_on=date(2031, 3, 31), at=T0
    )
    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    _complete(enrollment, course, datetime(2031, 3, 20, 10, tzinfo=UTC))
    first = Obligation.objects.get(user=cast.learner, course=course)
    assert first.status == "completed" and first.expires_at.date() == date(2032, 3, 20)

    assert services.renew_expiring(datetime(2032, 2, 1, tzinfo=UTC)) == 0  # too early
    assert services.renew_expiring(datetime(2032, 2, 20, 12, tzinfo=UTC)) == 1
    assert services.renew_expiring(datetime(2032, 2, 21, tzinfo=UTC)) == 0  # once
    second = Obligation.objects.current().get(user=cast.learner, course=course)
    assert (second.cycle, second.status) == (2, "not_started")
    # Due on the day the first completion expires, at the end of that day in Istanbul.
    assert second.due_at == datetime(2032, 3, 20, 20, 59, 59, tzinfo=UTC)
    first.refresh_from_db()
    assert first.superseded_at is not None and first.status == "completed"
    renewed = AssignmentEvent.objects.get(action="renewed")
    assert renewed.obligation == second and renewed.reason == "The completion expires."

    # The learner starts over; what they did in cycle 1 is kept.
    enrollment.refresh_from_db()
    assert (enrollment.cycle, enrollment.completed_at, enrollment.progress_percent) == (2, None, 0)
    assert enrollment.due_at == second.due_at
    assert not LessonProgress.objects.filter(enrollment=enrollment).exists()
    assert ArchivedLessonProgress.objects.filter(enrollment=enrollment, cycle=1).count() == 2
    transcript = client_for(cast.learner).get("/learn/transcript/").content.decode()
    assert "Earlier completions" in transcript and "March 20, 2031" in transcript

    _complete(enrollment, course, datetime(2032, 3, 10, tzinfo=UTC))
    second.refresh_from_db()
    assert second.status == "completed" and second.expires_at.date() == date(2033, 3, 10)
    assert list(
        CourseCompletion.objects.filter(enrollment=enrollment).values_list("cycle", flat=True)
    ) == [1, 2]
    # A certificate for each completion.
    assert Certificate.objects.filter(enrollment=enrollment).count() == 2


def test_an_ended_assignment_is_not_renewed(cast):
    course = make_course(cast.instructor, "Fire Safety", pages=1, valid_months=12)
    assignment, _reached = services.create_assignment(
        course, by=cast.admin, people=[cast.learner], at=T0
    )
    _complete(Enrollment.objects.get(user=cast.learner), course, T0)
    services.end_assignment(assignment, by=cast.admin, reason="Retired")
    assert services.renew_expiring(T0 + timedelta(days=400)) == 0


def test_a_major_revision_asks_those_who_completed_to_complete_it_again(cast, settings):
    settings.LECTIO_RENEWAL_DAYS = 14
    course = make_course(cast.instructor, "Data Protection", pages=1)
    services.create_assignment(course, by=cast.admin, people=[cast.learner, cast.outsider])
    now = datetime.now(UTC)
    _complete(Enrollment.objects.get(user=cast.learner, course=course), course, now)
    catalog.publish_course(course, by=cast.instructor, notes="Typo")  # minor: nothing happens
    assert Obligation.objects.filter(course=course).count() == 2
    catalog.publish_course(course, by=cast.instructor, major=True, notes="New law")
    learner = Obligation.objects.current().get(user=cast.learner, course=course)
    assert (learner.cycle, learner.status) == (2, "not_started")
    # Due at the end of a day in the learner's zone (Istanbul): count days there, so the
    # check holds at any hour of the UTC day.
    istanbul = ZoneInfo("Europe/Istanbul")
    assert learner.due_at.astimezone(istanbul).date() - datetime.now(istanbul).date() in {
        timedelta(days=14),
        timedelta(days=13),
    }
    # Someone who had not completed it keeps their obligation as it was.
    assert Obligation.objects.get(user=cast.outsider, course=course).cycle == 1
    assert AssignmentEvent.objects.get(action="renewed").reason == "A major revision of the course."
