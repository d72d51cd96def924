"""Bulk upsert of people and departments: the import's checks, all rows or none."""

from lectio.accounts.models import Department, User


def test_it_creates_and_updates_people_and_reports_what_changed(cast, token_for):
    api = token_for(cast.admin)
    rows = [
        {
            "email": "New@Example.com",
            "full_name": "Nur New",
            "department_code": "TR-IST",
            "roles": ["manager"],
            "time_zone": "Europe/Istanbul",
            "active": True,
        },
        {
            "email": "learner@example.com",
            "full_name": "Leyla Learner-Yılmaz",
            "department_code": "DE",
            "roles": [],
            "time_zone": "Europe/Berlin",
            "active": True,
        },
    ]
    status, body = api.post("/people/bulk", {"people": rows, "dry_run": True})
    assert (status, body) == (200, {"dry_run": True, "rows": 2, "created": 1, "updated": 1})
    assert not User.objects.filter(email="new@example.com").exists()
    status, body = api.post("/people/bulk", {"people": rows})
    assert (status, body["created"], body["updated"]) == (200, 1, 1)
    new = User.objects.get(email="new@example.com")
    assert (new.department, new.is_manager, new.time_zone) == (
        cast.istanbul,
        True,
        "Europe/Istanbul",
    )
    cast.learner.refresh_from_db()
    assert (cast.learner.full_name, cast.learner.department) == (
        "Leyla Learner-Yılmaz",
        cast.germany,
    )


def test_a_bad_row_changes_nothing_and_is_named(cast, token_for):
    api = token_for(cast.admin)
    rows = [
        {"email": "ok@example.com", "full_name": "Ok", "department_code": "TR"},
        {"email": "bad@example.com", "full_name": "Bad", "department_code": "NOPE"},
    ]
    status, body = api.post("/people/bulk", {"people": rows})
    assert status == 422
    assert list(body["error"]["fields"]) == ["people.1.department_code"]
    assert not User.objects.filter(email__in=["ok@example.com", "bad@example.com"]).exists()
    status, body = api.post(
        "/people/bulk",
        {
            "people": [
                {"email": "a@example.com", "full_name": "A", "job_title": "x"},
                {"email": "b@example.com", "full_name": "B"},
            ]
        },
    )
    assert status == 422 and "people.1" in body["error"]["fields"]
    status, body = api.post("/people/bulk", {"people": [{"email": "c@example.com"}]})
    assert status == 422 and "people.0.full_name" in body["error"]["fields"]


def test_deactivating_through_bulk_keeps_the_person(cast, token_for):
    status, _body = token_for(cast.admin).post(
        "/people/bulk",
        {"people": [{"email": "outsider@example.com", "full_name": "Otto", "active": False}]},
    )
    assert status == 200
    cast.outsider.refresh_from_db()
    assert not cast.outsider.is_active and cast.outsider.deactivated_at is not None


def test_departments_are_upserted_parents_first(cast, token_for):
    api = token_for(cast.admin)
    rows = [
        {"code": "TR-ANK", "name": "Ankara", "parent_code": "TR-CENTRAL"},
        {
            "code": "TR-CENTRAL",
            "name": "Central Anatolia",
            "parent_code": "TR",
            "manager_email": "",
        },
    ]
    status, body = api.post(
        "/departments/bulk",
        {"departments": [{**rows[0], "manager_email": "outsider@example.com"}, rows[1]]},
    )
    assert status == 200 and body["created"] == 2
    ankara = Department.objects.get(code="TR-ANK")
    assert ankara.path.startswith(cast.turkiye.path) and ankara.manager == cast.outsider


def test_only_administrators_with_the_write_scope_upsert(cast, token_for):
    row = {"email": "x@example.com", "full_name": "X"}
    assert token_for(cast.manager).post("/people/bulk", {"people": [row]})[0] == 403
    reader = token_for(cast.admin, scopes=["people:read"])
    status, body = reader.post("/people/bulk", {"people": [row]})
    assert status == 403 and body["error"]["code"] == "insufficient_scope"
    assert not User.objects.filter(email="x@example.com").exists()
