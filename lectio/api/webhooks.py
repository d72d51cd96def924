"""Signing and sending webhook deliveries (only ever in the worker, through ``tasks``).

A delivery is claimed with a conditional UPDATE (pending and due → sending, row count
checked), so two workers never send it at once; POSTed as JSON with a signature over the
timestamp and the body; a 2xx answer delivers it, anything else waits for the next try
(exponential back-off) until the last. Every failed attempt adds to the endpoint's count
of failures in a row; at ``LECTIO_WEBHOOK_FAILURE_LIMIT`` the endpoint is disabled and
the administrators are told.

Receivers verify ``Lectio-Signature: t=<unix time>,v1=<hex>`` where the hex is
HMAC-SHA256 with the endpoint's secret over ``"<t>." + body``, and refuse an old ``t``.
"""

import hashlib
import hmac
import http.client
import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from lectio.accounts.models import User
from lectio.api import safety
from lectio.api.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from lectio.notifications.services import notify

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, … failed attempt; the attempt after the last wait is the last.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 10
STUCK_AFTER = timedelta(minutes=5)
BATCH = 100


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does (used by the tests and shown in the docs)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def claim(pk: int, now: datetime) -> WebhookDelivery | None:
    claimed = WebhookDelivery.objects.filter(
        pk=pk, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(status=WebhookDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=pk)


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """(status code or None, error, start of the response body)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Lectio-Webhooks/1",
        "Lectio-Event": delivery.event,
        "Lectio-Event-Id": str(delivery.event_id),
        "Lectio-Delivery": str(delivery.pk),
        "Lectio-Signature": signature(endpoint.secret, int(time.time()), body),
    }
    try:
        conn, target = safety.connection(endpoint.url, TIMEOUT_SECONDS)
    except safety.UnsafeTarget as exc:
        return None, str(exc), ""
    try:
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(2000).decode("utf-8", "replace")
        return response.status, "", text[:500]
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timeout, TLS, …
        return None, f"{type(exc).__name__}: {exc}"[:500], ""
    finally:
        conn.close()


def deliver(delivery: WebhookDelivery, now: datetime) -> str:
    """Send a claimed delivery: "delivered", "retry", "failed" or "cancelled"."""
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        _finish(delivery, status=WebhookDelivery.Status.CANCELLED)
        return "cancelled"
    started = time.monotonic()
    code, error, text = _post(endpoint, delivery)
    duration = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300
    if code is not None and not ok:
        error = f"HTTP {code}"
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=now,
            status_code=code,
            error=error[:500],
            response_body=text,
            duration_ms=duration,
        )
        if ok:
            _finish(
                delivery,
                status=WebhookDelivery.Status.DELIVERED,
                delivered_at=now,
                last_status_code=code,
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
            return "delivered"
        last = delivery.attempts >= MAX_ATTEMPTS
        if last:
            _finish(delivery, status=WebhookDelivery.Status.FAILED, last_status_code=code)
        else:
            _finish(
                delivery,
                status=WebhookDelivery.Status.PENDING,
                last_status_code=code,
                next_attempt_at=now + BACKOFF[delivery.attempts - 1],
            )
        _count_failure(endpoint, now)
    logger.warning("Webhook delivery %s to endpoint %s failed: %s", delivery.pk, endpoint.pk, error)
    return "failed" if last else "retry"


def _finish(delivery: WebhookDelivery, **fields: Any) -> None:
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.SENDING, attempts=delivery.attempts
    ).update(claimed_at=None, **fields)


def _count_failure(endpoint: WebhookEndpoint, now: datetime) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    limit = settings.LECTIO_WEBHOOK_FAILURE_LIMIT
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, is_active=True, consecutive_failures__gte=limit
    ).update(
        is_active=False,
        disabled_at=now,
        disabled_reason=f"{limit} failed deliveries in a row",
    )
    if disabled:
        from lectio.api.services import subscriptions_changed

        subscriptions_changed()
        # The pending retries go nowhere now; redeliver them after fixing the receiver.
        WebhookDelivery.objects.filter(
            endpoint=endpoint, status=WebhookDelivery.Status.PENDING
        ).update(status=WebhookDelivery.Status.CANCELLED)
        _tell_administrators(endpoint, now, limit)


def _tell_administrators(endpoint: WebhookEndpoint, now: datetime, limit: int) -> None:
    url = settings.SITE_URL + reverse("api:webhook", args=[endpoint.pk])
    for admin in User.objects.filter(is_administrator=True, is_active=True):
        notify(
            admin,
            kind="api.webhook_disabled",
            key=f"webhook-disabled:{endpoint.pk}:{int(now.timestamp())}:{admin.pk}",
            template="api/webhook_disabled",
            context={
                "endpoint_url": endpoint.url,
                "failures": limit,
                "page_url": url,
                "disabled_at": now,
            },
            mandatory=True,
        )


def sweep_stuck(now: datetime) -> int:
    """Claims older than STUCK_AFTER lost their worker: back to pending (at least once)."""
    return WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
    ).update(status=WebhookDelivery.Status.PENDING, claimed_at=None, next_attempt_at=now)


def send(pks: list[int], now: datetime) -> dict[str, int]:
    counts = {"delivered": 0, "retry": 0, "failed": 0, "cancelled": 0}
    for pk in pks:
        delivery = claim(pk, now)
        if delivery is not None:
            counts[deliver(delivery, now)] += 1
    return counts


def send_due(now: datetime | None = None) -> dict[str, int]:
    """Sweep stale claims, then send what is due (first tries missed, retries), a batch."""
    now = now or timezone.now()
    swept = sweep_stuck(now)
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    return {"swept": swept, **send(due, now)}
