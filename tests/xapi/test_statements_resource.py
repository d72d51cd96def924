"""Statements resource (xAPI 1.0.3 Part Three 2.1): PUT, POST, GET, conflicts, voiding,
LRS-filled properties, every query filter, formats and ``more`` paging."""

import json
import uuid
from datetime import datetime

from lectio.xapi.models import Statement
from tests.xapi.conftest import statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ADA = {"mbox": "mailto:ada@example.com"}
BOB = {"objectType": "Agent", "mbox": "mailto:bob@example.com"}


def void(target: str) -> dict:
    return statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})


def test_it_stores_a_put_statement_with_its_id_and_answers_204(lrs):
    sid = str(uuid.uuid4())
    response = lrs.put("statements", statement(), params=f"statementId={sid}")
    assert response.status_code == 204
    assert lrs.get("statements", {"statementId": sid}).json()["id"] == sid


def test_it_requires_statement_id_to_put(lrs):
    response = lrs.put("statements", statement())
    assert response.status_code == 400
    assert "statementId" in response.json()["error"]


def test_it_refuses_a_put_whose_body_id_differs_from_the_parameter(lrs):
    body = statement(id=str(uuid.uuid4()))
    assert lrs.put("statements", body, params=f"statementId={uuid.uuid4()}").status_code == 400


def test_it_posts_one_statement_or_a_batch_and_returns_ids_in_order(lrs):
    one = lrs.post("statements", statement())
    assert one.status_code == 200 and len(one.json()) == 1
    given = str(uuid.uuid4())
    batch = lrs.post("statements", [statement(), statement(id=given), statement()])
    assert batch.status_code == 200
    assert len(batch.json()) == 3 and batch.json()[1] == given
    assert Statement.objects.count() == 4


def test_it_fills_id_stored_timestamp_authority_and_version(lrs):
    sid = lrs.post("statements", statement()).json()[0]
    stored = lrs.get("statements", {"statementId": sid}).json()
    assert uuid.UUID(stored["id"])
    assert datetime.fromisoformat(stored["stored"]) == datetime.fromisoformat(stored["timestamp"])
    assert stored["version"] == "1.0.0"
    assert stored["authority"]["objectType"] == "Agent"


def test_it_overwrites_a_sent_authority_with_the_clients(lrs):
    sent = statement(authority={"objectType": "Agent", "mbox": "mailto:boss@example.com"})
    sid = lrs.post("statements", sent).json()[0]
    assert "account" in lrs.get("statements", {"statementId": sid}).json()["authority"]


def test_it_keeps_a_sent_timestamp_and_version(lrs):
    sent = statement(timestamp="2025-05-05T10:00:00+02:00", version="1.0.3")
    sid = lrs.post("statements", sent).json()[0]
    stored = lrs.get("statements", {"statementId": sid}).json()
    assert stored["timestamp"] == "2025-05-05T10:00:00+02:00" and stored["version"] == "1.0.3"


def test_it_treats_the_same_id_with_the_same_content_as_a_no_op(lrs):
    sid = str(uuid.uuid4())
    assert lrs.put("statements", statement(), params=f"statementId={sid}").status_code == 204
    assert lrs.put("statements", statement(), params=f"statementId={sid}").status_code == 204
    assert lrs.post("statements", statement(id=sid)).status_code == 200
    assert Statement.objects.count() == 1


def test_it_answers_409_for_the_same_id_with_other_content(lrs):
    sid = str(uuid.uuid4())
    lrs.put("statements", statement(), params=f"statementId={sid}")
    other = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert lrs.put("statements", other, params=f"statementId={sid}").status_code == 409
    assert lrs.post("statements", [statement(), {**other, "id": sid}]).status_code == 409
    assert Statement.objects.count() == 1  # the batch is one transaction


def test_it_refuses_a_batch_with_the_same_id_twice_and_stores_none(lrs):
    sid = str(uuid.uuid4())
    response = lrs.post("statements", [statement(id=sid), statement(id=sid)])
    assert response.status_code == 409
    assert not Statement.objects.exists()


def test_a_large_batch_is_stored_whole_with_its_links_in_order(lrs):
    # 30 statements: on PostgreSQL the batch path (COPY) rather than single INSERTs.
    sent = [statement(actor={"mbox": f"mailto:p{n}@example.com"}) for n in range(29)]
    sent.append(statement(object={"objectType": "Agent", **BOB}, context={"instructor": ADA}))
    ids = lrs.post("statements", sent).json()
    assert len(ids) == 30
    stored = list(Statement.objects.order_by("seq").values_list("statement_id", flat=True))
    assert [str(sid) for sid in stored] == ids
    assert lrs.get("statements", {"statementId": ids[0]}).json()["actor"]["mbox"] == (
        "mailto:p0@example.com"
    )
    found = lrs.get("statements", {"agent": json.dumps(ADA), "related_agents": "true"}).json()
    assert [s["id"] for s in found["statements"]] == [ids[-1]]
    assert (
        lrs.get("statements", {"agent": json.dumps(BOB)}).json()["statements"][0]["id"] == (ids[-1])
    )


def test_a_large_batch_with_a_stored_id_of_other_content_stores_nothing(lrs):
    sid = str(uuid.uuid4())
    lrs.put("statements", statement(), params=f"statementId={sid}")
    other = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"}, id=sid)
    response = lrs.post("statements", [statement() for _ in range(20)] + [other])
    assert response.status_code == 409
    assert Statement.objects.count() == 1


def test_it_stores_nothing_when_one_statement_of_a_batch_is_invalid(lrs):
    response = lrs.post("statements", [statement(), statement(verb={"id": "nope"})])
    assert response.status_code == 400
    assert "statements[1].verb.id" in response.json()["error"]
    assert not Statement.objects.exists()


def test_it_refuses_invalid_json_and_wrong_content_types(lrs):
    assert lrs.post("statements", "{not json").status_code == 400
    assert lrs.post("statements", "[]").status_code == 400
    assert (
        lrs.post("statements", json.dumps(statement()), content_type="text/plain").status_code
        == 400
    )


def test_it_voids_a_statement_and_returns_it_only_by_voided_statement_id(lrs):
    target = lrs.post("statements", statement()).json()[0]
    voiding = lrs.post("statements", void(target))
    assert voiding.status_code == 200
    assert lrs.get("statements", {"statementId": target}).status_code == 404
    assert lrs.get("statements", {"voidedStatementId": target}).json()["id"] == target
    listed = [s["id"] for s in lrs.get("statements").json()["statements"]]
    assert target not in listed and voiding.json()[0] in listed


def test_it_returns_a_statement_not_voided_only_by_statement_id(lrs):
    sid = lrs.post("statements", statement()).json()[0]
    assert lrs.get("statements", {"voidedStatementId": sid}).status_code == 404


def test_it_refuses_voiding_a_voiding_statement(lrs):
    target = lrs.post("statements", statement()).json()[0]
    voiding = lrs.post("statements", void(target)).json()[0]
    response = lrs.post("statements", void(voiding))
    assert response.status_code == 400
    assert "cannot be voided" in response.json()["error"]


def test_it_accepts_a_voiding_statement_whose_target_is_unknown_and_voids_it_on_arrival(lrs):
    later = str(uuid.uuid4())
    assert lrs.post("statements", void(later)).status_code == 200
    lrs.put("statements", statement(), params=f"statementId={later}")
    assert lrs.get("statements", {"statementId": later}).status_code == 404
    assert lrs.get("statements", {"voidedStatementId": later}).status_code == 200


def test_it_refuses_other_parameters_with_a_statement_id(lrs):
    sid = lrs.post("statements", statement()).json()[0]
    response = lrs.get("statements", {"statementId": sid, "verb": "https://v.test/x"})
    assert response.status_code == 400
    assert lrs.get("statements", {"statementId": sid, "format": "ids"}).status_code == 200


def test_it_refuses_unknown_query_parameters(lrs):
    response = lrs.get("statements", {"colour": "blue"})
    assert response.status_code == 400 and "colour" in response.json()["error"]


def test_it_sends_consistent_through_and_last_modified(lrs):
    sid = lrs.post("statements", statement()).json()[0]
    single = lrs.get("statements", {"statementId": sid})
    assert datetime.fromisoformat(single["X-Experience-API-Consistent-Through"])
    assert single["Last-Modified"]
    assert lrs.get("statements")["X-Experience-API-Consistent-Through"]


def _ids(lrs, **params) -> list[str]:
    response = lrs.get("statements", params)
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def test_it_filters_by_agent_as_actor_or_object(lrs):
    mine = lrs.post("statements", statement()).json()[0]
    about_me = lrs.post(
        "statements", statement(actor=BOB, object={"objectType": "Agent", **ADA})
    ).json()[0]
    lrs.post("statements", statement(actor=BOB))
    assert set(_ids(lrs, agent=json.dumps(ADA))) == {mine, about_me}


def test_it_filters_by_verb_activity_and_registration(lrs):
    registration = str(uuid.uuid4())
    a = lrs.post("statements", statement(context={"registration": registration})).json()[0]
    b = lrs.post("statements", statement(verb={"id": "https://v.test/other"})).json()[0]
    c = lrs.post("statements", statement(object={"id": "https://lectio.test/other"})).json()[0]
    assert set(_ids(lrs, verb="https://v.test/other")) == {b}
    assert set(_ids(lrs, activity="https://lectio.test/other")) == {c}
    assert _ids(lrs, registration=registration) == [a]


def test_it_filters_related_activities_and_agents(lrs):
    parent = {"id": "https://lectio.test/course/9"}
    in_context = lrs.post(
        "statements", statement(context={"contextActivities": {"parent": parent}})
    ).json()[0]
    with_instructor = lrs.post("statements", statement(context={"instructor": BOB})).json()[0]
    assert _ids(lrs, activity=parent["id"]) == []
    assert _ids(lrs, activity=parent["id"], related_activities="true") == [in_context]
    bob = json.dumps({"mbox": BOB["mbox"]})
    assert _ids(lrs, agent=bob) == []
    assert _ids(lrs, agent=bob, related_agents="true") == [with_instructor]


def test_it_filters_since_and_until_by_stored_time(lrs):
    first = lrs.post("statements", statement()).json()[0]
    second = lrs.post("statements", statement()).json()[0]
    stored_first = Statement.objects.get(statement_id=first).stored.isoformat()
    assert _ids(lrs, since=stored_first) == [second]
    assert _ids(lrs, until=stored_first) == [first]


def test_it_orders_newest_first_unless_ascending(lrs):
    ids = [lrs.post("statements", statement()).json()[0] for _ in range(3)]
    assert _ids(lrs) == ids[::-1]
    assert _ids(lrs, ascending="true") == ids


def test_it_pages_with_more_keeping_the_query_and_a_stable_cursor(lrs):
    ids = [lrs.post("statements", statement()).json()[0] for _ in range(5)]
    lrs.post("statements", statement(verb={"id": "https://v.test/other"}))
    page = lrs.get(
        "statements", {"limit": 2, "verb": "http://adlnet.gov/expapi/verbs/completed"}
    ).json()
    seen = [s["id"] for s in page["statements"]]
    lrs.post("statements", statement())  # stored after the query began: not in its pages
    while page["more"]:
        assert page["more"].startswith("/xapi/statements?more=")
        page = lrs.http.get(page["more"], headers=lrs.headers).json()
        seen += [s["id"] for s in page["statements"]]
    assert seen == ids[::-1]


def test_it_refuses_a_tampered_more_link(lrs):
    assert lrs.get("statements", {"more": "abc"}).status_code == 400


def test_it_returns_ids_format_with_identifiers_only(lrs):
    sid = lrs.post("statements", statement()).json()[0]
    data = lrs.get("statements", {"statementId": sid, "format": "ids"}).json()
    assert data["actor"] == {"objectType": "Agent", "mbox": ADA["mbox"]}
    assert data["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    assert data["object"] == {"objectType": "Activity", "id": "https://lectio.test/course/1"}


def test_it_returns_canonical_format_in_the_requested_language(lrs):
    activity = {
        "id": "https://lectio.test/course/2",
        "definition": {"name": {"en-US": "Safety", "tr-TR": "Güvenlik"}},
    }
    verb = {"id": "https://v.test/did", "display": {"en-US": "did", "tr-TR": "yaptı"}}
    sid = lrs.post("statements", statement(object=activity, verb=verb)).json()[0]
    data = lrs.get(
        "statements", {"statementId": sid, "format": "canonical"}, **{"Accept-Language": "tr"}
    ).json()
    assert data["object"]["definition"]["name"] == {"tr-TR": "Güvenlik"}
    assert data["verb"]["display"] == {"tr-TR": "yaptı"}


def test_it_merges_activity_definitions_and_serves_them_on_the_activities_resource(lrs):
    first = {"id": "https://lectio.test/q/1", "definition": {"name": {"en": "Q1"}}}
    second = {
        "id": "https://lectio.test/q/1",
        "definition": {"name": {"tr": "S1"}, "type": "https://t.test/q"},
    }
    lrs.post("statements", statement(object=first))
    lrs.post("statements", statement(object=second))
    data = lrs.get("activities", {"activityId": "https://lectio.test/q/1"}).json()
    assert data["definition"] == {"name": {"en": "Q1", "tr": "S1"}, "type": "https://t.test/q"}
    unknown = lrs.get("activities", {"activityId": "https://lectio.test/none"}).json()
    assert unknown == {"objectType": "Activity", "id": "https://lectio.test/none"}
    assert lrs.get("activities").status_code == 400


def test_it_returns_a_person_object_for_an_agent(lrs):
    lrs.post("statements", statement())
    person = lrs.get("agents", {"agent": json.dumps(ADA)}).json()
    assert person == {"objectType": "Person", "mbox": [ADA["mbox"]], "name": ["Ada"]}
    assert lrs.get("agents", {"agent": "{}"}).status_code == 400


def test_it_bounds_the_queries_of_a_statement_query(lrs, django_assert_max_num_queries):
    for _ in range(20):
        lrs.post("statements", statement())
    with django_assert_max_num_queries(4):  # top seq, group memberships, refs?, page
        response = lrs.get(
            "statements",
            {"agent": json.dumps(ADA), "verb": "http://adlnet.gov/expapi/verbs/completed"},
        )
    assert len(response.json()["statements"]) == 20


def test_it_matches_statements_targeting_a_matching_statement_through_statement_refs(lrs):
    passed = lrs.post("statements", statement()).json()[0]
    ref = {"objectType": "StatementRef", "id": passed}
    confirmed = lrs.post(
        "statements", statement(actor=BOB, verb={"id": "https://v.test/confirmed"}, object=ref)
    ).json()[0]
    ref2 = {"objectType": "StatementRef", "id": confirmed}
    audited = lrs.post(
        "statements", statement(actor=BOB, verb={"id": "https://v.test/audited"}, object=ref2)
    ).json()[0]
    lrs.post("statements", statement(actor=BOB, object={"id": "https://lectio.test/other"}))
    expected = {passed, confirmed, audited}
    assert set(_ids(lrs, agent=json.dumps(ADA))) == expected
    assert set(_ids(lrs, activity="https://lectio.test/course/1")) == expected
    assert _ids(lrs, agent=json.dumps(ADA), limit=1) == [audited]  # limit applies to them too
    since = Statement.objects.get(statement_id=confirmed).stored.isoformat()
    assert _ids(lrs, agent=json.dumps(ADA), since=since) == [audited]


def test_it_matches_an_agent_filter_on_groups_the_agent_is_a_member_of(lrs):
    team = {"objectType": "Group", "member": [ADA, BOB]}
    sid = lrs.post("statements", statement(actor=team)).json()[0]
    assert _ids(lrs, agent=json.dumps({"mbox": BOB["mbox"]})) == [sid]


def test_it_matches_the_authority_with_related_agents(lrs):
    sid = lrs.post("statements", statement()).json()[0]
    authority = lrs.get("statements", {"statementId": sid}).json()["authority"]
    as_filter = json.dumps({"account": authority["account"]})
    assert _ids(lrs, agent=as_filter) == []
    assert _ids(lrs, agent=as_filter, related_agents="true") == [sid]


def test_it_records_the_platforms_own_statements_with_its_own_authority(lrs):
    from lectio.xapi import services

    sid = services.record_statements([statement()])[0]
    stored = lrs.get("statements", {"statementId": sid}).json()
    assert stored["authority"]["name"] == "Lectio"
    assert stored["authority"]["account"]["name"] == services.PLATFORM_KEY
    assert services.platform_client() == services.platform_client()  # one, reused


def test_it_answers_405_to_other_methods_and_413_to_oversized_requests(lrs, settings):
    response = lrs.delete("statements")
    assert response.status_code == 405 and "GET" in response["Allow"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert lrs.post("statements", [statement()] * 3).status_code == 413
    assert not Statement.objects.exists()


def test_it_compares_statements_ignoring_what_statement_comparison_ignores(lrs):
    sid = str(uuid.uuid4())
    first = statement(
        timestamp="2026-01-01T12:00:00Z",
        actor={"objectType": "Group", "member": [ADA, {"mbox": "mailto:Bob@Example.com"}]},
        object={"id": "https://lectio.test/course/1", "definition": {"name": {"en": "A"}}},
    )
    assert lrs.put("statements", first, params=f"statementId={sid}").status_code == 204
    same = {
        **first,
        "timestamp": "2026-01-01T15:00:00+03:00",  # the same instant
        "actor": {"objectType": "Group", "member": [{"mbox": "mailto:bob@example.com"}, ADA]},
        "verb": {"id": first["verb"]["id"], "display": {"tr": "tamamladı"}},
        "object": {"id": "https://lectio.test/course/1", "definition": {"name": {"en": "B"}}},
    }
    assert lrs.put("statements", same, params=f"statementId={sid}").status_code == 204
    other_time = {**first, "timestamp": "2026-01-01T12:00:01Z"}
    assert lrs.put("statements", other_time, params=f"statementId={sid}").status_code == 409
    assert Statement.objects.count() == 1
