"""About resource, version header, HTTP Basic credentials and scopes (Part Three 1.2, 4)."""

import base64
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from lectio.xapi import services
from lectio.xapi.models import LRSClient, hash_secret
from tests.xapi.conftest import LRS, statement


def test_it_answers_about_without_credentials(db):
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json()["version"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_it_requires_the_version_header(lrs):
    del lrs.headers["X-Experience-API-Version"]
    response = lrs.get("statements")
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.3", "2.0.0"])
def test_it_accepts_1_0_x_and_2_0_0(lrs, version):
    lrs.headers["X-Experience-API-Version"] = version
    assert lrs.get("statements").status_code == 200


def test_it_refuses_other_versions(lrs):
    lrs.headers["X-Experience-API-Version"] = "0.95"
    assert lrs.get("statements").status_code == 400


def test_it_refuses_missing_or_wrong_credentials_with_401_and_www_authenticate(lrs_client):
    client, _secret = lrs_client
    for headers in (
        {},
        {"Authorization": "Basic " + base64.b64encode(f"{client.key}:nope".encode()).decode()},
    ):
        response = Client().get(
            "/xapi/statements", headers={"X-Experience-API-Version": "1.0.3", **headers}
        )
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic")


def test_it_stores_a_sha256_of_the_secret_not_the_secret(lrs_client):
    client, secret = lrs_client
    assert client.secret_hash == hash_secret(secret)
    assert secret not in client.secret_hash
    assert len(secret) >= 40  # high-entropy random token


def test_it_checks_cached_credentials_without_a_query(lrs, django_assert_num_queries):
    lrs.get("about")
    assert lrs.get("statements").status_code == 200  # warms the cache
    client = LRSClient.objects.get()
    with django_assert_num_queries(0):
        assert services.authenticate(client.key, "wrong") is None
        assert services.authenticate(client.key, "x") is None


def test_it_refuses_a_disabled_client(lrs):
    client = LRSClient.objects.get()
    assert lrs.get("statements").status_code == 200
    services.set_client_active(client, False)
    assert lrs.get("statements").status_code == 401


def test_it_enforces_scopes_with_403(db):
    reader, secret = services.create_client("Reader", scopes=["statements/read"])
    lrs = LRS(reader.key, secret)
    assert lrs.get("statements").status_code == 200
    response = lrs.post("statements", statement())
    assert response.status_code == 403
    assert "statements/write" in response.json()["error"]
    assert (
        lrs.get(
            "activities/state", {"activityId": "https://x.test/a", "agent": "{}", "stateId": "s"}
        ).status_code
        == 403
    )


def test_it_limits_statements_read_mine_to_the_clients_own_statements(lrs):
    mine, secret = services.create_client("Mine")  # default: statements/write, read/mine
    own = LRS(mine.key, secret)
    lrs.post("statements", statement())
    own_id = own.post("statements", statement()).json()[0]
    listed = own.get("statements").json()["statements"]
    assert [s["id"] for s in listed] == [own_id]
    assert len(lrs.get("statements").json()["statements"]) == 2


def test_it_gives_each_client_its_own_authority(lrs):
    statement_id = lrs.post("statements", statement()).json()[0]
    stored = lrs.get("statements", {"statementId": statement_id}).json()
    client = LRSClient.objects.get()
    assert stored["authority"]["account"]["name"] == client.key
    assert stored["authority"]["objectType"] == "Agent"


def test_it_expires_a_temporary_credential_and_limits_it_to_its_actor(lrs_client):
    parent, _ = lrs_client
    actor = {"mbox": "mailto:ada@example.com"}
    temporary, token = services.issue_temporary_credential(parent, actor=actor)
    key, _, secret = base64.b64decode(token).decode().partition(":")
    lrs = LRS(key, secret)
    assert lrs.post("statements", statement()).status_code == 200
    other = statement(actor={"mbox": "mailto:eve@example.com"})
    assert lrs.post("statements", other).status_code == 400
    stored = lrs.get("statements").json()["statements"][0]
    assert stored["authority"]["account"]["name"] == parent.key  # the parent's authority
    LRSClient.objects.filter(pk=temporary.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    cache.clear()
    assert lrs.get("statements").status_code == 401


def test_a_temporary_credential_reads_only_its_actors_statements(lrs_client):
    # The parent (the platform, in cmi5) stored every learner's statements; the credential
    # a learner's browser holds must not read the others'.
    parent, _ = lrs_client
    services.store_statements([statement(actor={"mbox": "mailto:eve@example.com"})], client=parent)
    eve = services.store_statements(
        [statement(actor={"mbox": "mailto:eve@example.com"})], client=parent
    )[0]
    _temporary, token = services.issue_temporary_credential(
        parent, actor={"mbox": "mailto:ada@example.com"}
    )
    key, _, secret = base64.b64decode(token).decode().partition(":")
    lrs = LRS(key, secret)
    own = lrs.post("statements", statement(actor={"mbox": "mailto:ada@example.com"})).json()[0]
    listed = lrs.get("statements").json()["statements"]
    assert [s["id"] for s in listed] == [own]
    assert lrs.get("statements", {"statementId": eve}).status_code == 404
    agent = '{"mbox": "mailto:eve@example.com"}'
    assert lrs.get("statements", {"agent": agent}).json()["statements"] == []


def test_it_answers_cors_preflight_without_credentials(db):
    response = Client().options("/xapi/statements", headers={"Origin": "https://content.test"})
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://content.test"
    assert "X-Experience-API-Version" in response["Access-Control-Allow-Headers"]
    assert "ETag" in response["Access-Control-Expose-Headers"]
