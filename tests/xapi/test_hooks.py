"""The hook registry: higher apps (cmi5) see statements as they are stored, and may refuse
them (403, the rule named) so that nothing is stored."""

import pytest
from django.core.exceptions import PermissionDenied

from lectio.xapi import hooks
from lectio.xapi.models import Statement
from tests.xapi.conftest import statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    seen: list[tuple[list[str], str]] = []

    def hook(statements, client):
        seen.append(([s["verb"]["id"] for s in statements], client.key))
        if any(s["verb"]["id"].endswith("/failed") for s in statements):
            raise PermissionDenied("cmi5: failed is not allowed here")

    hooks.on_statements_stored(hook)
    hooks.on_statements_stored(hook)  # registering twice calls it once
    yield seen
    hooks._statements_stored.remove(hook)


def test_it_tells_hooks_about_statements_as_they_are_stored(lrs, lrs_client, registered):
    response = lrs.post("statements", [statement(), statement()])
    assert response.status_code == 200
    completed = "http://adlnet.gov/expapi/verbs/completed"
    assert registered == [([completed, completed], lrs_client[0].key)]


def test_a_hook_refusal_is_a_403_naming_the_rule_and_stores_nothing(lrs, registered):
    failed = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    response = lrs.post("statements", [statement(), failed])
    assert response.status_code == 403
    assert "cmi5: failed is not allowed here" in response.content.decode()
    assert not Statement.objects.exists()


def test_statements_already_stored_are_not_shown_again(lrs, registered):
    body = statement(id="0f6b1c5e-2b7d-4a8e-9c3f-1a2b3c4d5e6f")
    assert lrs.post("statements", body).status_code == 200
    assert lrs.post("statements", body).status_code == 200
    assert len(registered) == 1


def test_a_hook_may_refuse_a_document_change(lrs, lrs_client):
    seen = []

    def hook(key, document_id, client):
        seen.append((key.kind, document_id))
        if document_id == "locked":
            raise PermissionDenied("cmi5: locked")

    hooks.on_document_changing(hook)
    try:
        params = "activityId=https://example.com/a&agent=" + '{"mbox":"mailto:ada@example.com"}'
        locked = lrs.put("activities/state", "{}", params=params + "&stateId=locked")
        assert locked.status_code == 403
        assert lrs.put("activities/state", "{}", params=params + "&stateId=open").status_code == 204
        assert lrs.delete("activities/state", params=params).status_code == 204
    finally:
        hooks._document_changing.remove(hook)
    assert seen == [("state", "locked"), ("state", "open"), ("state", None)]
