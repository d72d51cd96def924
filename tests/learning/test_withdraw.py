"""Withdrawing a person from a course: access ends now, the record stays."""

from datetime import UTC, datetime, timedelta

from lectio.learning import services
from lectio.learning.models import AccessChange
from tests.helpers import make_course

T0 = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)


def test_it_ends_access_now_and_clears_the_due_date(cast):
    course = make_course(cast.instructor)
    services.enroll_people(course, [cast.learner], due_on=T0.date(), mandatory=True, at=T0)
    enrollment = course.enrollments.get()
    services.withdraw(enrollment, by=cast.admin, reason="Left", at=T0 + timedelta(days=1))
    enrollment.refresh_from_db()
    assert enrollment.access_ends_at == T0 + timedelta(days=1)
    assert not enrollment.is_open(T0 + timedelta(days=2))
    assert (enrollment.due_at, enrollment.mandatory) == (None, False)
    assert AccessChange.objects.get(enrollment=enrollment).reason == "Left"


def test_a_window_that_closed_earlier_is_not_reopened(cast):
    course = make_course(cast.instructor)
    services.enroll_people(course, [cast.learner], at=T0)
    enrollment = course.enrollments.get()
    services.change_access(
        enrollment, starts_at=T0, ends_at=T0 + timedelta(days=1), by=None, reason="Short"
    )
    services.withdraw(enrollment, by=cast.admin, reason="Left", at=T0 + timedelta(days=5))
    enrollment.refresh_from_db()
    assert enrollment.access_ends_at == T0 + timedelta(days=1)
