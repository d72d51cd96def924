from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from lectio.catalog import services as catalog
from lectio.catalog.models import Course
from lectio.learning import services
from lectio.learning.models import Enrollment
from tests.helpers import make_course

AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_a_relative_access_period_counts_from_enrolment(cast):
    course = make_course(cast.instructor, access=Course.Access.RELATIVE, access_days=90)
    enrollment = services.self_enroll(cast.learner, course, at=AT)
    assert (enrollment.access_starts_at, enrollment.access_ends_at) == (AT, AT + timedelta(days=90))
    assert enrollment.source == Enrollment.Source.SELF
    assert enrollment.is_open(AT + timedelta(days=89))
    assert not enrollment.is_open(AT + timedelta(days=90))


def test_a_fixed_run_has_the_same_dates_for_everyone(cast):
    starts, ends = datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 6, 30, tzinfo=UTC)
    course = make_course(
        cast.instructor, access=Course.Access.FIXED, access_starts_at=starts, access_ends_at=ends
    )
    enrollment = services.self_enroll(cast.learner, course, at=AT)
    assert (enrollment.access_starts_at, enrollment.access_ends_at) == (starts, ends)
    assert not enrollment.is_open(AT)  # before the run starts
    assert Enrollment.objects.open_at(datetime(2026, 5, 1, tzinfo=UTC)).get() == enrollment


def test_unlimited_access_has_no_end(cast):
    course = make_course(cast.instructor, access=Course.Access.UNLIMITED)
    enrollment = services.self_enroll(cast.learner, course, at=AT)
    assert enrollment.access_ends_at is None
    assert enrollment.is_open(AT + timedelta(days=3650))


def test_the_window_comes_from_the_published_version_not_the_draft(cast):
    course = make_course(cast.instructor, access_days=90)
    catalog.update_course(course, access_days=7)  # not yet published
    enrollment = services.self_enroll(cast.learner, course, at=AT)
    assert enrollment.access_ends_at == AT + timedelta(days=90)


def test_enrolling_twice_keeps_the_first_enrolment(cast):
    course = make_course(cast.instructor)
    first = services.self_enroll(cast.learner, course, at=AT)
    second = services.self_enroll(cast.learner, course, at=AT + timedelta(days=5))
    assert first.pk == second.pk and second.enrolled_at == AT


@pytest.mark.parametrize("state", ["draft", "archived", "assigned"])
def test_self_enrolment_needs_a_live_open_course(cast, state):
    course = make_course(cast.instructor, publish=state != "draft")
    if state == "archived":
        catalog.archive_course(course)
    if state == "assigned":
        catalog.update_course(course, visibility=Course.Visibility.ASSIGNED)
        catalog.publish_course(course, by=cast.instructor)
        course.refresh_from_db()
    with pytest.raises(ValidationError):
        services.self_enroll(cast.learner, course)
    assert not Enrollment.objects.exists()


def test_an_unpublished_change_of_visibility_does_not_apply_yet(cast):
    course = make_course(cast.instructor)
    catalog.update_course(course, visibility=Course.Visibility.ASSIGNED)
    assert services.self_enroll(cast.learner, course).pk
