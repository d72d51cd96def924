"""Assignments and obligations through the API, with the pages' rules."""

from lectio.assignments.models import Assignment, Obligation
from tests.helpers import make_course


def test_a_manager_assigns_to_their_team_only(cast, token_for):
    course = make_course(cast.instructor)
    api = token_for(cast.manager)
    status, body = api.post(
        "/assignments",
        {
            "course": course.pk,
            "people": [cast.outsider.pk],
            "due": "after_assignment",
            "due_days": 7,
        },
    )
    assert status == 422
    assert "people" in body["error"]["fields"]
    assert not Assignment.objects.exists()
    status, body = api.post(
        "/assignments",
        {
            "course": course.pk,
            "departments": [cast.istanbul.pk],
            "due": "after_assignment",
            "due_days": 7,
        },
        **{"Idempotency-Key": "assign-1"},
    )
    assert status == 201 and body["reached"] == 1
    assert body["assignment"]["departments"] == [cast.istanbul.pk]
    again = api.post(
        "/assignments",
        {
            "course": course.pk,
            "departments": [cast.istanbul.pk],
            "due": "after_assignment",
            "due_days": 7,
        },
        **{"Idempotency-Key": "assign-1"},
    )
    assert again == (status, body)
    assert Assignment.objects.count() == 1
    status, listed = api.get("/obligations", status="not_started")
    assert [o["person"]["email"] for o in listed["items"]] == ["learner@example.com"]


def test_a_missing_due_date_names_the_field(cast, token_for):
    course = make_course(cast.instructor)
    status, body = token_for(cast.admin).post(
        "/assignments", {"course": course.pk, "people": [cast.learner.pk], "due": "fixed"}
    )
    assert status == 422 and "due_on" in body["error"]["fields"]


def test_exempting_through_the_api(cast, token_for):
    course = make_course(cast.instructor)
    admin = token_for(cast.admin)
    admin.post("/assignments", {"course": course.pk, "people": [cast.learner.pk, cast.outsider.pk]})
    mine = Obligation.objects.get(user=cast.learner)
    theirs = Obligation.objects.get(user=cast.outsider)
    manager = token_for(cast.manager)
    assert manager.post(f"/obligations/{theirs.pk}/exempt", {"reason": "x"})[0] == 404
    reader = token_for(cast.manager, scopes=["assignments:read"])
    status, body = reader.post(f"/obligations/{mine.pk}/exempt", {"reason": "x"})
    assert status == 403 and body["error"]["code"] == "insufficient_scope"
    status, body = manager.post(f"/obligations/{mine.pk}/exempt", {"reason": "On leave"})
    assert status == 200 and body["status"] == "exempt"
    assert Obligation.objects.get(pk=mine.pk).exempt_reason == "On leave"
    status, body = manager.post(f"/obligations/{mine.pk}/exempt", {"reason": ""})
    assert status == 422 and "reason" in body["error"]["fields"]
    # A learner's token sees their own obligations, and assigns nothing.
    learner = token_for(cast.learner)
    assert [o["id"] for o in learner.get("/obligations")[1]["items"]] == [mine.pk]
    assert (
        learner.post("/assignments", {"course": course.pk, "people": [cast.learner.pk]})[0] == 403
    )
