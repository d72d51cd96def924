"""Forwarding stored statements to external LRSs (the worker runs :func:`forward_due`).

Each endpoint has its own cursor in ``stored`` order (``stored``, then ``seq``). A batch
is POSTed with the statements' ids, so a batch sent twice (a crash after the receiver
stored it, before the cursor moved) changes nothing there: delivery is at least once and
idempotent by statement id. A failed batch leaves the cursor and backs off exponentially;
every batch, sent or not, is written to the delivery log. No transaction is held open
while a receiver answers: the endpoint is leased for the time of the request.
"""

import base64
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lectio.xapi.models import Delivery, ForwardingEndpoint, Statement

logger = logging.getLogger(__name__)

BATCH = 100
# Statements stored in the last seconds may belong to transactions not yet committed,
# which would commit behind the cursor: only older ones are sent.
SETTLE = timedelta(seconds=10)
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
TIMEOUT_SECONDS = 20
MAX_BATCHES = 50  # per endpoint and run: the next run continues
# How long a worker holds an endpoint while its batch is sent (a crash: retried after).
LEASE = timedelta(minutes=5)


def delay_after(failures: int) -> timedelta:
    """1, 2, 4, 8… minutes after consecutive failures, at most six hours."""
    delay: timedelta = FIRST_DELAY * (2 ** min(max(0, failures - 1), 20))
    return min(delay, LONGEST_DELAY)


def forward_due(*, now: datetime | None = None) -> int:
    """Forward to every active endpoint that is not backing off; the statements sent."""
    now = now or timezone.now()
    due = ForwardingEndpoint.objects.filter(is_active=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return sum(forward(endpoint.pk, now=now) for endpoint in due)


def forward(endpoint_id: int, *, now: datetime | None = None) -> int:
    """Send the endpoint's pending statements, batch by batch, until none is left, a batch
    fails, or ``MAX_BATCHES``; the statements delivered."""
    now = now or timezone.now()
    sent = 0
    for _ in range(MAX_BATCHES):
        delivered = _one_batch(endpoint_id, now)
        if delivered <= 0:
            break
        sent += delivered
    return sent


def start_after_latest(endpoint: ForwardingEndpoint) -> None:
    """Put a new endpoint's cursor after the newest statement stored: it is sent only
    what is stored from then on (an analytics store that should not get years of
    history)."""
    latest = Statement.objects.order_by("-stored", "-seq").values_list("stored", "seq").first()
    if latest is not None:
        endpoint.cursor_stored, endpoint.cursor_seq = latest


def _pending(endpoint: ForwardingEndpoint, now: datetime) -> list[Statement]:
    rows = Statement.objects.filter(stored__lte=now - SETTLE)
    if endpoint.cursor_stored is not None:
        rows = rows.filter(
            Q(stored__gt=endpoint.cursor_stored)
            | Q(stored=endpoint.cursor_stored, seq__gt=endpoint.cursor_seq)
        )
    return list(rows.order_by("stored", "seq")[:BATCH])


def _one_batch(endpoint_id: int, now: datetime) -> int:
    """One batch. The endpoint is claimed for ``LEASE`` under its row lock before the
    request (so two workers never send the same batch at once, and no transaction stays
    open while the receiver answers); the outcome is recorded after. Returns the
    statements delivered, 0 when none was pending, -1 when the batch failed."""
    with transaction.atomic():
        endpoint = ForwardingEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None or not endpoint.is_active:
            return 0
        if endpoint.next_attempt_at is not None and endpoint.next_attempt_at > now:
            return 0
        rows = _pending(endpoint, now)
        if not rows:
            return 0
        ForwardingEndpoint.objects.filter(pk=endpoint.pk).update(next_attempt_at=now + LEASE)
    status, error = send(endpoint, [row.data for row in rows])
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        Delivery.objects.create(
            endpoint=endpoint,
            at=now,
            first_seq=rows[0].seq,
            last_seq=rows[-1].seq,
            count=len(rows),
            ok=ok,
            status_code=status,
            error=error[:2000],
        )
        if ok:
            endpoint.cursor_stored, endpoint.cursor_seq = rows[-1].stored, rows[-1].seq
            endpoint.failures, endpoint.next_attempt_at = 0, None
        else:
            endpoint.failures += 1
            endpoint.next_attempt_at = now + delay_after(endpoint.failures)
            logger.warning("Forwarding to %s failed (%s): %s", endpoint.url, status, error)
        endpoint.save(update_fields=["cursor_stored", "cursor_seq", "failures", "next_attempt_at"])
    return len(rows) if ok else -1


def send(endpoint: ForwardingEndpoint, statements: list[object]) -> tuple[int | None, str]:
    """POST a batch to the endpoint's Statements resource; (status, error text)."""
    token = base64.b64encode(f"{endpoint.username}:{endpoint.password}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL an administrator set
        endpoint.url.rstrip("/") + "/statements",
        data=json.dumps(statements).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": endpoint.version,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        body = exc.read(2000).decode("utf-8", "replace")
        return exc.code, body or str(exc.reason)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))
