"""The token and webhook pages."""

import pytest

from lectio.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from tests.helpers import client_for


def test_a_person_creates_a_token_shown_once_and_revokes_it(cast):
    client = client_for(cast.learner)
    response = client.post(
        "/api/tokens/", {"name": "My script", "scopes": ["enrollments:read"], "expires_in": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["created"][1]
    assert secret.startswith(token.prefix) and secret.encode() in response.content
    assert (token.user, token.kind, token.scopes) == (
        cast.learner,
        "personal",
        ["enrollments:read"],
    )
    listed = client.get("/api/tokens/")
    assert token.prefix.encode() in listed.content and secret.encode() not in listed.content
    client.post(f"/api/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_bad_token_input_is_refused_with_the_reason(cast):
    response = client_for(cast.learner).post("/api/tokens/", {"name": "", "scopes": ["nope"]})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_persons_token_but_administrators(cast):
    client_for(cast.learner).post("/api/tokens/", {"name": "x", "scopes": ["people:read"]})
    token = ApiToken.objects.get()
    assert client_for(cast.outsider).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client_for(cast.admin).post(f"/api/tokens/{token.pk}/revoke/", {"next": "all"})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_administrator_makes_a_service_token_acting_as_someone(cast):
    client = client_for(cast.admin)
    response = client.post(
        "/api/tokens/all/",
        {"name": "HR sync", "scopes": ["people:read"], "person": "MANAGER@example.com"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.user, token.kind, token.created_by) == (cast.manager, "service", cast.admin)
    assert client_for(cast.manager).get("/api/tokens/all/").status_code == 403


@pytest.mark.parametrize("path", ["/api/webhooks/", "/api/tokens/all/"])
def test_only_administrators_open_the_admin_pages(cast, path):
    assert client_for(cast.manager).get(path).status_code == 403
    assert client_for(cast.admin).get(path).status_code == 200


def test_webhook_pages_create_show_the_log_and_redeliver(cast, settings):
    settings.LECTIO_WEBHOOK_ALLOW_PRIVATE = True
    client = client_for(cast.admin)
    response = client.post(
        "/api/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": ["user.created"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/api/webhooks/{endpoint.pk}/"
    page = client.get(f"/api/webhooks/{endpoint.pk}/")
    assert endpoint.secret.encode() in page.content
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="user.created", payload={"type": "user.created"}
    )
    assert client.get(f"/api/webhooks/deliveries/{delivery.pk}/").status_code == 200
    response = client.post(f"/api/webhooks/deliveries/{delivery.pk}/redeliver/")
    again = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert (again.event_id, again.redelivery_of) == (delivery.event_id, delivery)
    assert response["Location"] == f"/api/webhooks/deliveries/{again.pk}/"


def test_a_private_target_is_refused_on_the_page(cast):
    response = client_for(cast.admin).post(
        "/api/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": ["user.created"]}
    )
    assert response.status_code == 400
    assert b"private" in response.content
    assert not WebhookEndpoint.objects.exists()
