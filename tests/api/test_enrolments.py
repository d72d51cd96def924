"""Enrolments through the API: created, changed and withdrawn through learning's
services, by administrators, with idempotency keys and 422s that name the field."""

from datetime import UTC, datetime

from lectio.api.models import IdempotencyRecord
from lectio.assignments import services as assignments
from lectio.learning.models import AccessChange, Enrollment
from tests.helpers import make_course


def test_an_administrator_enrols_a_person_once(cast, token_for):
    course = make_course(cast.instructor)
    api = token_for(cast.admin)
    status, body = api.post(
        "/enrollments", {"person": cast.learner.pk, "course": course.pk, "due_on": "2031-03-31"}
    )
    assert status == 201 and body["created"] is True
    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    assert body["enrollment"]["id"] == enrollment.pk
    assert enrollment.source == "admin"
    assert enrollment.due_at == datetime(2031, 3, 31, 20, 59, 59, tzinfo=UTC)  # Istanbul
    assert body["enrollment"]["status"] == "not_started"
    status, body = api.post("/enrollments", {"person": cast.learner.pk, "course": course.pk})
    assert status == 200 and body["created"] is False
    assert Enrollment.objects.filter(user=cast.learner).count() == 1


def test_the_same_idempotency_key_replays_the_response(cast, token_for):
    course = make_course(cast.instructor)
    other = make_course(cast.instructor, "Fire Safety")
    api = token_for(cast.admin)
    first = api.post(
        "/enrollments",
        {"person": cast.learner.pk, "course": course.pk},
        **{"Idempotency-Key": "k1"},
    )
    again = api.post(
        "/enrollments",
        {"course": course.pk, "person": cast.learner.pk},
        **{"Idempotency-Key": "k1"},
    )
    assert first == again and first[0] == 201  # 201 again, not 200: the same response
    assert IdempotencyRecord.objects.count() == 1
    status, body = api.post(
        "/enrollments", {"person": cast.learner.pk, "course": other.pk}, **{"Idempotency-Key": "k1"}
    )
    assert status == 422
    assert body["error"]["code"] == "idempotency_key_reused"
    assert not Enrollment.objects.filter(course=other).exists()


def test_a_failed_create_does_not_use_up_its_key(cast, token_for):
    course = make_course(cast.instructor)
    api = token_for(cast.admin)
    status, body = api.post(
        "/enrollments", {"person": 999999, "course": course.pk}, **{"Idempotency-Key": "k2"}
    )
    assert status == 422 and body["error"]["fields"] == {"person": ["No such person."]}
    assert not IdempotencyRecord.objects.exists()
    status, _body = api.post(
        "/enrollments",
        {"person": cast.learner.pk, "course": course.pk},
        **{"Idempotency-Key": "k2"},
    )
    assert status == 201


def test_unknown_fields_wrong_types_and_bad_dates_are_422_naming_the_field(cast, token_for):
    course = make_course(cast.instructor)
    api = token_for(cast.admin)
    status, body = api.post(
        "/enrollments", {"person": cast.learner.pk, "course": course.pk, "colour": "red"}
    )
    assert status == 422 and body["error"]["fields"]["colour"] == ["Unknown field."]
    status, body = api.post("/enrollments", {"person": "Leyla", "course": course.pk})
    assert status == 422 and "person" in body["error"]["fields"]
    status, body = api.post(
        "/enrollments", {"person": cast.learner.pk, "course": course.pk, "due_on": "2031-02-30"}
    )
    assert status == 422 and "due_on" in body["error"]["fields"]
    assert not Enrollment.objects.exists()


def test_only_administrators_enrol_and_a_manager_sees_only_their_team(cast, token_for):
    course = make_course(cast.instructor)
    admin = token_for(cast.admin)
    _s, mine = admin.post("/enrollments", {"person": cast.learner.pk, "course": course.pk})
    _s, theirs = admin.post("/enrollments", {"person": cast.outsider.pk, "course": course.pk})
    manager = token_for(cast.manager)
    status, body = manager.post("/enrollments", {"person": cast.learner.pk, "course": course.pk})
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = manager.get("/enrollments")
    assert [e["person"]["email"] for e in body["items"]] == ["learner@example.com"]
    assert manager.get(f"/enrollments/{mine['enrollment']['id']}")[0] == 200
    assert manager.get(f"/enrollments/{theirs['enrollment']['id']}")[0] == 404
    status, _body = manager.post(
        f"/enrollments/{theirs['enrollment']['id']}/withdraw", {"reason": "x"}
    )
    assert status == 404


def test_it_changes_the_access_window_with_a_reason(cast, token_for):
    course = make_course(cast.instructor)
    api = token_for(cast.admin)
    _s, made = api.post("/enrollments", {"person": cast.learner.pk, "course": course.pk})
    pk = made["enrollment"]["id"]
    status, body = api.patch(
        f"/enrollments/{pk}/access",
        {
            "access_starts_at": "2031-01-01T00:00:00Z",
            "access_ends_at": "2030-01-01T00:00:00Z",
            "reason": "Extension",
        },
    )
    assert status == 422 and "access_ends_at" in body["error"]["fields"]
    status, body = api.patch(
        f"/enrollments/{pk}/access",
        {"access_starts_at": None, "access_ends_at": "2032-06-30T12:00:00+03:00", "reason": "HR"},
    )
    assert status == 200
    assert body["access_ends_at"].startswith("2032-06-30T09:00:00")
    change = AccessChange.objects.get(enrollment_id=pk)
    assert (change.reason, change.changed_by) == ("HR", cast.admin)


def test_withdrawing_closes_access_and_keeps_the_record(cast, token_for):
    course = make_course(cast.instructor)
    api = token_for(cast.admin)
    _s, made = api.post(
        "/enrollments",
        {"person": cast.learner.pk, "course": course.pk, "due_on": "2031-01-01", "mandatory": True},
    )
    pk = made["enrollment"]["id"]
    status, _body = api.post(f"/enrollments/{pk}/withdraw", {"reason": "Left the team"})
    assert status == 200
    enrollment = Enrollment.objects.get(pk=pk)
    assert not enrollment.is_open()
    assert (enrollment.due_at, enrollment.mandatory) == (None, False)


def test_an_assigned_course_cannot_be_withdrawn_before_an_exemption(cast, token_for):
    course = make_course(cast.instructor)
    assignments.create_assignment(course, by=cast.admin, people=[cast.learner])
    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    api = token_for(cast.admin)
    status, body = api.post(f"/enrollments/{enrollment.pk}/withdraw", {"reason": "x"})
    assert status == 409 and body["error"]["code"] == "assigned"
    assert Enrollment.objects.get(pk=enrollment.pk).is_open()


def test_it_filters_enrolments_by_status_and_date(cast, token_for):
    course = make_course(cast.instructor)
    api = token_for(cast.admin)
    api.post("/enrollments", {"person": cast.learner.pk, "course": course.pk})
    assert len(api.get("/enrollments", status="not_started")[1]["items"]) == 1
    assert api.get("/enrollments", status="completed")[1]["items"] == []
    assert api.get("/enrollments", until="2000-01-01")[1]["items"] == []
    status, body = api.get("/enrollments", status="finished")
    assert status == 422 and "status" in body["error"]["fields"]
