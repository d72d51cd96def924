"""Unknown query parameters are a 422 naming them on every operation, as unknown body
fields are: a misspelt filter must not silently return everything."""

import re

import pytest
from django.test import Client


def operations():
    schema = Client().get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method, re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.django_db
def test_every_operation_refuses_an_unknown_query_parameter(cast, token_for):
    api = token_for(cast.admin)
    seen = 0
    for method, path in operations():
        response = getattr(api.client, method)(
            f"{path}?colour=red",
            headers=api.headers,
            content_type="application/json",
        )
        assert response.status_code == 422, (method, path, response.content)
        fields = response.json()["error"]["fields"]
        assert list(fields) == ["colour"], (method, path, fields)
        assert fields["colour"] == ["Unknown query parameter."]
        seen += 1
    assert seen >= 25


def test_a_request_without_a_token_is_still_a_401(db):
    response = Client().get("/api/v1/people?colour=red")
    assert response.status_code == 401


def test_known_parameters_still_work_and_several_unknown_ones_are_all_named(cast, token_for):
    api = token_for(cast.admin)
    status, body = api.get("/people", active="true", limit=2)
    assert status == 200 and len(body["items"]) == 2
    status, body = api.get("/people", actve="true", sinse="2026-01-01")
    assert status == 422
    assert set(body["error"]["fields"]) == {"actve", "sinse"}
    assert body["error"]["code"] == "invalid"
