"""Administrators enrol people and change access windows; every change is recorded."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from lectio.accounts import services as accounts
from lectio.learning import services
from lectio.learning.models import AccessChange, Enrollment
from tests.helpers import client_for, make_course


def test_an_administrator_enrols_people_by_email(cast):
    course = make_course(cast.instructor)
    client = client_for(cast.admin)
    response = client.post(
        f"/learn/courses/{course.slug}/enrolments/",
        {"emails": "learner@example.com, outsider@example.com"},
        follow=True,
    )
    assert "2 enrolled." in response.content.decode()
    assert set(Enrollment.objects.values_list("user__email", "source")) == {
        ("learner@example.com", "admin"),
        ("outsider@example.com", "admin"),
    }
    unknown = client.post(
        f"/learn/courses/{course.slug}/enrolments/", {"emails": "ghost@example.com"}
    )
    assert "ghost@example.com" in unknown.content.decode()


def test_an_administrator_enrols_people_with_a_due_date(cast):
    course = make_course(cast.instructor)
    client = client_for(cast.admin)
    url = f"/learn/courses/{course.slug}/enrolments/"
    past = client.post(url, {"emails": "learner@example.com", "due_on": "2020-01-31"})
    assert "The due date has already passed." in past.content.decode()
    assert not Enrollment.objects.exists()
    response = client.post(
        url, {"emails": "learner@example.com", "due_on": "2031-01-31", "mandatory": "on"}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    assert (enrollment.mandatory, enrollment.due_at) == (
        True,
        datetime(2031, 1, 31, 20, 59, 59, tzinfo=UTC),
    )
    listing = client.get(url).content.decode()
    assert "Mandatory" in listing and "31" in listing


def test_a_draft_course_cannot_take_enrolments(cast):
    course = make_course(cast.instructor, publish=False)
    with pytest.raises(ValidationError):
        services.enroll_people(course, [cast.learner])


def test_access_is_extended_with_a_reason_and_recorded(cast):
    course = make_course(cast.instructor, access_days=30)
    enrollment = services.enroll(
        cast.learner, course, source="self", at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    accounts.set_preferences(cast.admin, language="en", time_zone="Europe/Istanbul")
    response = client_for(cast.admin).post(
        f"/learn/enrolments/{enrollment.pk}/access/",
        {
            "starts_at": "2026-01-01T03:00",
            "ends_at": "2026-06-30T23:59",
            "reason": "Parental leave",
        },
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    # Entered in the administrator's time zone (Istanbul, UTC+3), stored in UTC.
    assert enrollment.access_ends_at == datetime(2026, 6, 30, 20, 59, tzinfo=UTC)
    change = AccessChange.objects.get()
    assert (change.changed_by, change.reason) == (cast.admin, "Parental leave")
    assert change.old_ends_at == datetime(2026, 1, 31, tzinfo=UTC)
    page = client_for(cast.admin).get(f"/learn/enrolments/{enrollment.pk}/access/").content.decode()
    assert "Parental leave" in page


def test_a_change_needs_a_reason_and_an_end_after_the_start(cast):
    course = make_course(cast.instructor)
    enrollment = services.enroll(cast.learner, course, source="self")
    client = client_for(cast.admin)
    no_reason = client.post(
        f"/learn/enrolments/{enrollment.pk}/access/", {"ends_at": "2027-01-01T00:00"}
    )
    assert "This field is required." in no_reason.content.decode()
    backwards = client.post(
        f"/learn/enrolments/{enrollment.pk}/access/",
        {"starts_at": "2027-01-01T00:00", "ends_at": "2026-01-01T00:00", "reason": "x"},
    )
    assert "The end must come after the start." in backwards.content.decode()
    assert not AccessChange.objects.exists()


def test_only_administrators_manage_enrolments(cast):
    course = make_course(cast.instructor)
    enrollment = services.enroll(cast.learner, course, source="self")
    for person in (cast.instructor, cast.manager, cast.learner):
        client = client_for(person)
        assert client.get(f"/learn/courses/{course.slug}/enrolments/").status_code == 403
        assert (
            client.post(f"/learn/enrolments/{enrollment.pk}/access/", {"reason": "x"}).status_code
            == 403
        )


def test_the_enrolment_list_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    course = make_course(cast.instructor)
    client = client_for(cast.admin)
    services.enroll(cast.learner, course, source="self")
    with django_assert_max_num_queries(8) as few:
        client.get(f"/learn/courses/{course.slug}/enrolments/")
    for i in range(15):
        person = accounts.create_person(email=f"p{i}@example.com", full_name=f"P {i}")
        services.enroll(person, course, source="admin")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/learn/courses/{course.slug}/enrolments/")
