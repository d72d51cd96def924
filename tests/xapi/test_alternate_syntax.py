"""Alternate request syntax (xAPI 1.0.3 Part Three 1.3): POST ?method=X with a form body
carrying the headers, the content and the parameters."""

import json
import uuid
from urllib.parse import urlencode

from django.test import Client

from lectio.xapi.models import Statement
from tests.xapi.conftest import statement

FORM = "application/x-www-form-urlencoded"


def test_it_puts_a_statement_through_the_alternate_syntax(lrs):
    sid = str(uuid.uuid4())
    form = {
        **lrs.headers,
        "Content-Type": "application/json",
        "content": json.dumps(statement()),
        "statementId": sid,
    }
    response = Client().post("/xapi/statements?method=PUT", urlencode(form), content_type=FORM)
    assert response.status_code == 204, response.content
    assert Statement.objects.filter(statement_id=sid).exists()


def test_it_gets_statements_through_the_alternate_syntax(lrs):
    sid = lrs.post("statements", statement()).json()[0]
    form = {**lrs.headers, "statementId": sid}
    response = Client().post("/xapi/statements?method=GET", urlencode(form), content_type=FORM)
    assert response.status_code == 200 and response.json()["id"] == sid


def test_it_authenticates_from_the_form(lrs):
    form = {"X-Experience-API-Version": "1.0.3"}
    response = Client().post("/xapi/statements?method=GET", urlencode(form), content_type=FORM)
    assert response.status_code == 401


def test_it_refuses_other_query_parameters_with_the_alternate_syntax(lrs):
    form = urlencode(lrs.headers)
    response = Client().post(
        f"/xapi/statements?method=GET&statementId={uuid.uuid4()}", form, content_type=FORM
    )
    assert response.status_code == 400


def test_it_refuses_an_unknown_method(lrs):
    response = Client().post(
        "/xapi/statements?method=PATCH", urlencode(lrs.headers), content_type=FORM
    )
    assert response.status_code == 400


def test_it_writes_a_state_document_through_the_alternate_syntax(lrs):
    agent = json.dumps({"mbox": "mailto:ada@example.com"})
    form = {
        **lrs.headers, "Content-Type": "application/json", "content": '{"page": 4}',
        "activityId": "https://lectio.test/a", "agent": agent, "stateId": "bookmark",
    }  # fmt: skip
    assert (
        Client()
        .post("/xapi/activities/state?method=PUT", urlencode(form), content_type=FORM)
        .status_code
        == 204
    )
    got = lrs.get(
        "activities/state",
        {"activityId": "https://lectio.test/a", "agent": agent, "stateId": "bookmark"},
    )
    assert got.json() == {"page": 4}
