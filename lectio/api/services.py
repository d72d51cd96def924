"""Every write the api app owns: tokens (create, revoke, record use), webhook endpoints
(create, change, re-enable), redelivery, and pruning idempotency records."""

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.api import safety
from lectio.api.models import (
    ApiToken,
    Event,
    IdempotencyRecord,
    Scope,
    WebhookDelivery,
    WebhookEndpoint,
)

TOKEN_PREFIX = "lct_"  # noqa: S105 - a marker, not a secret
# Shown in lists to tell tokens apart: "lct_" and the first characters of the secret.
SHOWN_PREFIX_LENGTH = 12
# Recording every request would be a write per request; once a minute is enough.
LAST_USED_EVERY = timedelta(minutes=1)
IDEMPOTENCY_LIFETIME = timedelta(hours=24)
SUBSCRIPTIONS_CACHE_KEY = "api:webhook-subscriptions"


def digest(token: str) -> str:
    """The stored form of a token: SHA-256 of a high-entropy secret is enough (and cheap)."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    by: User,
    expires_at: datetime | None = None,
    kind: str = ApiToken.Kind.PERSONAL,
) -> tuple[ApiToken, str]:
    """A new token acting as ``user``; returns it and the token itself, which is shown
    once and never stored."""
    name = name.strip()
    chosen = sorted(set(scopes))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the token a name.")
    if not chosen:
        errors["scopes"] = _("Choose at least one scope.")
    elif unknown := [s for s in chosen if s not in Scope.values]:
        errors["scopes"] = _("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)}
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if not user.is_active:
        errors["user"] = _("This person is deactivated.")
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name[:100],
        kind=kind,
        user=user,
        created_by=by,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        digest=digest(secret),
        scopes=chosen,
        expires_at=expires_at,
    )
    return token, secret


def revoke_token(token: ApiToken, *, at: datetime | None = None) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=at or timezone.now()
    )


def token_for(secret: str, *, at: datetime | None = None) -> ApiToken | None:
    """The usable token with this secret and its person (one query), recording its use at
    most once a minute; None for an unknown, expired or revoked token or a deactivated
    person."""
    at = at or timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    if token is None or not token.is_usable(at) or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at <= at - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
        token.last_used_at = at
    return token


def prune_idempotency_records(at: datetime | None = None) -> int:
    cutoff = (at or timezone.now()) - IDEMPOTENCY_LIFETIME
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# ---- Webhook endpoints -----------------------------------------------------------------


def _clean_endpoint(url: str, events: Iterable[str]) -> tuple[str, list[str]]:
    chosen = sorted(set(events))
    errors: dict[str, str] = {}
    if not chosen:
        errors["events"] = _("Choose at least one event.")
    elif unknown := [e for e in chosen if e not in Event.values]:
        errors["events"] = _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}
    try:
        safety.check_url(url)
    except safety.UnsafeTarget as exc:
        errors["url"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return url.strip(), chosen


def subscriptions_changed() -> None:
    """Forget the cached subscriptions now, and again when the change commits (a reader
    in between may have cached the old ones)."""
    cache.delete(SUBSCRIPTIONS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SUBSCRIPTIONS_CACHE_KEY))


@transaction.atomic
def create_endpoint(
    *, url: str, events: Iterable[str], description: str = "", by: User
) -> WebhookEndpoint:
    """Subscribe a URL; its host must resolve to public addresses (unless the setting
    LECTIO_WEBHOOK_ALLOW_PRIVATE allows private ones)."""
    url, chosen = _clean_endpoint(url, events)
    endpoint = WebhookEndpoint.objects.create(
        url=url, events=chosen, description=description.strip()[:200], created_by=by
    )
    subscriptions_changed()
    return endpoint


@transaction.atomic
def update_endpoint(
    endpoint: WebhookEndpoint,
    *,
    url: str,
    events: Iterable[str],
    description: str = "",
    is_active: bool = True,
) -> WebhookEndpoint:
    """Change an endpoint; switching a disabled one back on starts its failure count anew."""
    url, chosen = _clean_endpoint(url, events)
    endpoint.url, endpoint.events, endpoint.description = url, chosen, description.strip()[:200]
    fields = ["url", "events", "description"]
    if is_active and not endpoint.is_active:
        endpoint.is_active, endpoint.consecutive_failures = True, 0
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
        fields += ["is_active", "consecutive_failures", "disabled_at", "disabled_reason"]
    elif not is_active and endpoint.is_active:
        endpoint.is_active = False
        fields.append("is_active")
    endpoint.save(update_fields=fields)
    subscriptions_changed()
    return endpoint


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint.save(update_fields=["secret"])
    return endpoint


@transaction.atomic
def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    endpoint.delete()
    subscriptions_changed()


@transaction.atomic
def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again (same event id and payload) as a new delivery with its own log."""
    again = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        redelivery_of=delivery,
    )
    _enqueue(again.pk)
    return again


def _enqueue(delivery_id: int) -> None:
    from lectio.api.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id))


def subscribed_endpoints() -> dict[str, list[int]]:
    """{event: [active endpoint ids]}, cached until an endpoint changes (so an event nobody
    subscribes to costs one cache read)."""
    found: dict[str, list[int]] | None = cache.get(SUBSCRIPTIONS_CACHE_KEY)
    if found is None:
        found = {}
        for pk, events in WebhookEndpoint.objects.filter(is_active=True).values_list(
            "pk", "events"
        ):
            for event in events:
                found.setdefault(event, []).append(pk)
        cache.set(SUBSCRIPTIONS_CACHE_KEY, found, 300)
    return found


@transaction.atomic
def emit(event: str, data: dict[str, object], *, at: datetime | None = None) -> int:
    """Queue an event for every active endpoint subscribed to it; returns how many."""
    endpoints = subscribed_endpoints().get(event, [])
    if not endpoints:
        return 0
    at = at or timezone.now()
    event_id = uuid.uuid4()  # one event, whichever endpoints receive it
    for endpoint_id in endpoints:
        delivery = WebhookDelivery(
            endpoint_id=endpoint_id, event=event, event_id=event_id, created_at=at
        )
        delivery.payload = {
            "id": str(event_id),
            "type": event,
            "created_at": at.isoformat(),
            "data": data,
        }
        delivery.next_attempt_at = at
        delivery.save()
        _enqueue(delivery.pk)
    return len(endpoints)
