"""People, departments and groups through the API: the same visibility as the pages."""

from lectio.accounts import services as accounts


def test_it_lists_everyone_for_an_administrator(cast, token_for):
    status, body = token_for(cast.admin).get("/people")
    assert status == 200
    assert {p["email"] for p in body["items"]} == {
        "admin@example.com",
        "manager@example.com",
        "learner@example.com",
        "outsider@example.com",
        "instructor@example.com",
    }
    assert body["next_cursor"] is None


def test_a_managers_token_sees_only_their_subtree(cast, token_for):
    api = token_for(cast.manager)
    status, body = api.get("/people")
    assert status == 200
    assert {p["email"] for p in body["items"]} == {"manager@example.com", "learner@example.com"}
    assert api.get(f"/people/{cast.learner.pk}")[0] == 200
    status, body = api.get(f"/people/{cast.outsider.pk}")
    assert status == 404
    assert body["error"]["code"] == "not_found"
    status, body = api.get("/departments")
    assert {d["code"] for d in body["items"]} == {"TR", "TR-IST"}
    assert api.get(f"/departments/{cast.germany.pk}")[0] == 404
    assert api.get("/groups")[0] == 403


def test_a_learners_token_sees_only_themselves(cast, token_for):
    api = token_for(cast.learner)
    _status, body = api.get("/people")
    assert [p["email"] for p in body["items"]] == ["learner@example.com"]
    assert body["items"][0]["department_code"] == "TR-IST"
    assert api.get("/departments")[0] == 403


def test_it_pages_with_an_opaque_cursor_in_a_stable_order(cast, token_for):
    for number in range(5):
        accounts.create_person(email=f"p{number}@example.com", full_name=f"P {number}")
    api = token_for(cast.admin)
    seen, cursor = [], None
    while True:
        status, body = api.get("/people", limit=3, **({"cursor": cursor} if cursor else {}))
        assert status == 200 and len(body["items"]) <= 3
        seen += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 10


def test_a_bad_cursor_limit_or_date_is_a_422_naming_the_field(cast, token_for):
    api = token_for(cast.admin)
    status, body = api.get("/people", cursor="not-a-cursor")
    assert status == 422 and "cursor" in body["error"]["fields"]
    status, body = api.get("/people", limit=0)
    assert status == 422 and "limit" in body["error"]["fields"]
    status, body = api.get("/people", since="31/02/2026")
    assert status == 422 and "since" in body["error"]["fields"]
    assert body["error"]["code"] == "invalid"


def test_it_filters_people_by_department_subtree_and_join_date(cast, token_for):
    api = token_for(cast.admin)
    status, body = api.get("/people", department=cast.turkiye.pk)
    assert {p["email"] for p in body["items"]} == {"manager@example.com", "learner@example.com"}
    status, body = api.get("/people", since="2999-01-01T00:00:00Z")
    assert status == 200 and body["items"] == []


def test_list_endpoints_run_a_fixed_number_of_queries(
    cast, token_for, django_assert_max_num_queries
):
    for number in range(30):
        accounts.create_person(
            email=f"q{number}@example.com", full_name=f"Q {number}", department=cast.istanbul
        )
    api = token_for(cast.manager)
    api.get("/people")  # records the token's first use
    with django_assert_max_num_queries(4):
        status, body = api.get("/people", limit=100)
    assert status == 200 and len(body["items"]) == 32
