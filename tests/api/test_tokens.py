"""API tokens: stored hashed, shown once, scoped, expiring, revocable, rate limited, and
never logged."""

import hashlib
import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from lectio.api import services
from lectio.api.models import ApiToken
from tests.api.conftest import ApiClient
from tests.helpers import client_for


def test_it_stores_only_the_hash_and_a_prefix(cast):
    token, secret = services.create_token(
        user=cast.learner, name="Mine", scopes=["people:read"], by=cast.learner
    )
    assert secret.startswith("lct_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:12]
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_it_refuses_requests_without_a_valid_token(cast):
    client = Client()
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    response = client.get("/api/v1/people", headers={"Authorization": "Bearer lct_nope"})
    assert response.status_code == 401
    # A session is not an API credential.
    assert client_for(cast.admin).get("/api/v1/people").status_code == 401


def test_expired_and_revoked_tokens_and_deactivated_people_are_refused(cast):
    token, secret = services.create_token(
        user=cast.admin,
        name="Soon",
        scopes=["people:read"],
        by=cast.admin,
        expires_at=timezone.now() + timedelta(days=1),
    )
    api = ApiClient(secret)
    assert api.get("/people")[0] == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/people")[0] == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    services.revoke_token(token)
    assert api.get("/people")[0] == 401

    _other, other_secret = services.create_token(
        user=cast.outsider, name="x", scopes=["people:read"], by=cast.outsider
    )
    cast.outsider.is_active = False
    cast.outsider.save(update_fields=["is_active"])
    assert ApiClient(other_secret).get("/people")[0] == 401


def test_a_token_without_the_scope_gets_403(cast, token_for):
    api = token_for(cast.admin, scopes=["courses:read"])
    status, body = api.get("/people")
    assert status == 403
    assert body["error"]["code"] == "insufficient_scope"
    assert "people:read" in body["error"]["message"]
    assert api.get("/courses")[0] == 200


def test_it_records_the_last_use_at_most_once_a_minute(cast, django_assert_num_queries):
    token, secret = services.create_token(
        user=cast.admin, name="x", scopes=["courses:read"], by=cast.admin
    )
    api = ApiClient(secret)
    api.get("/courses")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(2):  # the token and its person; the courses
        api.get("/courses")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get("/courses")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_it_rate_limits_each_token_with_retry_after(cast, settings):
    settings.LECTIO_API_RATE_LIMIT = 3
    _t, secret = services.create_token(
        user=cast.admin, name="x", scopes=["courses:read"], by=cast.admin
    )
    _t2, other = services.create_token(
        user=cast.admin, name="y", scopes=["courses:read"], by=cast.admin
    )
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert [client.get("/api/v1/courses", headers=headers).status_code for _ in range(3)] == [
        200,
        200,
        200,
    ]
    response = client.get("/api/v1/courses", headers=headers)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 61
    # Another token has its own allowance.
    assert ApiClient(other).get("/courses")[0] == 200


def test_tokens_never_appear_in_logs(cast, caplog, settings):
    settings.DEBUG = True  # ninja logs an unexpected Authorization header in debug mode
    _t, secret = services.create_token(
        user=cast.admin, name="x", scopes=["courses:read"], by=cast.admin
    )
    client = Client()
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v1/courses", headers={"Authorization": f"Token {secret}"})
        client.get("/api/v1/courses", headers={"Authorization": f"Bearer {secret}x"})
        client.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
        client.post(
            "/api/v1/enrollments",
            "{",
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert caplog.records  # something was logged (the refused requests)
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert secret not in caplog.text


def test_a_token_needs_a_name_scopes_and_a_future_expiry(cast):
    with pytest.raises(ValidationError) as refused:
        services.create_token(
            user=cast.learner,
            name=" ",
            scopes=["people:delete"],
            by=cast.learner,
            expires_at=timezone.now() - timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"name", "scopes", "expires_at"}
    assert not ApiToken.objects.exists()
