"""Rendering and sending the outbox (only ever in the worker, through ``tasks``).

A message is claimed with a conditional UPDATE (pending → sending, row count checked), so
two workers never send it twice; rendered in the recipient's language and time zone as
they are at that moment; handed to the configured e-mail backend; then marked sent, or
given a retry with backoff when the mail server failed.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from lectio.notifications import services
from lectio.notifications.models import Delivery, Message

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, … failed attempt; the attempt after the last wait is the last.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
# A message "sending" for longer than this lost its worker; it goes back to pending.
STUCK_AFTER = timedelta(minutes=15)
BATCH = 200
# At most this many batches per run; the next run (a minute later) takes the rest.
MAX_ROUNDS = 25
# Refusals of one message (its recipient, its sender, its data): the next message may pass.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass
class Rendered:
    subject: str
    text: str
    html: str | None
    headers: dict[str, str]


def _revive(value: Any, name: str = "") -> Any:
    """The stored context as templates get it: ``*_at`` strings back to datetimes, at any
    depth (a digest's list of rows carries their own due dates)."""
    if name.endswith("_at") and isinstance(value, str):
        return parse_datetime(value) or value
    if isinstance(value, list):
        return [_revive(item, name) for item in value]
    if isinstance(value, dict):
        return {key: _revive(item, key) for key, item in value.items()}
    return value


def _template_context(message: Message) -> dict[str, Any]:
    context: dict[str, Any] = _revive(message.context)
    unsubscribe = ""
    if not message.mandatory:
        token = services.unsubscribe_token(message.recipient)
        unsubscribe = settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
    return {
        **context,
        "recipient": message.recipient,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe,
    }


def render(message: Message) -> Rendered:
    """Subject, text, optional HTML and headers, in the recipient's language and zone."""
    person = message.recipient
    name = f"notifications/{message.template}"
    with translation.override(person.language), timezone.override(person.time_zone):
        context = _template_context(message)
        subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
        text = render_to_string(f"{name}.txt", context).strip() + "\n"
        try:
            html: str | None = render_to_string(f"{name}.html", context)
        except TemplateDoesNotExist:
            html = None
        # The same Message-ID on every attempt lets mail servers drop a duplicate.
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        headers = {
            "Message-ID": f"<lectio.{message.pk}@{host}>",
            "Auto-Submitted": "auto-generated",
        }
        if url := context["unsubscribe_url"]:
            footer = render_to_string("notifications/unsubscribe_footer.txt", context)
            text += "\n-- \n" + footer.strip() + "\n"
            if html is not None:
                html_footer = render_to_string("notifications/unsubscribe_footer.html", context)
                at = html.rfind("</body>")
                html = html[:at] + html_footer + html[at:] if at >= 0 else html + html_footer
            headers["List-Unsubscribe"] = f"<{url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return Rendered(subject[:300], text, html, headers)


def sweep_stuck(now: datetime) -> int:
    """Claims older than STUCK_AFTER lost their worker: back to pending (or failed when it
    was the last attempt). The message may have left already: at least once, not twice."""
    stale = Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
    ).values_list("pk", "attempts")
    swept = 0
    for pk, attempts in list(stale):
        last = attempts >= MAX_ATTEMPTS
        with transaction.atomic():
            if Message.objects.filter(
                pk=pk, status=Message.Status.SENDING, attempts=attempts
            ).update(
                status=Message.Status.FAILED if last else Message.Status.PENDING,
                next_attempt_at=now,
                claimed_at=None,
            ):
                note = Delivery.Note.GAVE_UP if last else Delivery.Note.STALE
                Delivery.objects.create(message_id=pk, at=now, ok=None, note=note)
                swept += 1
    if swept:
        logger.warning("Swept %d e-mail message(s) stuck in sending", swept)
    return swept


def claim(pk: int, now: datetime) -> Message | None:
    """Pending and due → sending, if this worker wins; the message with its recipient."""
    claimed = Message.objects.filter(
        pk=pk, status=Message.Status.PENDING, next_attempt_at__lte=now
    ).update(status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Message.objects.select_related("recipient__notification_preference").get(pk=pk)


def _skip_reason(message: Message) -> str:
    if not message.recipient.is_active:
        return Delivery.Note.INACTIVE
    if not message.mandatory and not services.preference_for(message.recipient).optional_email:
        return Delivery.Note.OPTED_OUT
    return ""


def _finish(message: Message, now: datetime, **fields: Any) -> None:
    Message.objects.filter(
        pk=message.pk, status=Message.Status.SENDING, attempts=message.attempts
    ).update(claimed_at=None, **fields)


def deliver(message: Message, connection: BaseEmailBackend, now: datetime) -> str:
    """Send a claimed message: "sent", "skipped", "failed" (this message, not retried),
    "refused" (this message, retried later) or "down" (the mail server or the network
    failed; retried later)."""
    if reason := _skip_reason(message):
        logger.info("Skipped e-mail %s (%s): %s", message.pk, message.kind, reason)
        with transaction.atomic():
            _finish(message, now, status=Message.Status.SKIPPED)
            Delivery.objects.create(message=message, at=now, ok=None, note=reason)
        return "skipped"
    try:
        rendered = render(message)
    except Exception as exc:
        # A template bug will not mend itself: the message fails at once, with the reason.
        logger.exception("Rendering e-mail %s failed", message.pk)
        _fail(message, now, f"{type(exc).__name__}: {exc}", last=True)
        return "failed"
    email = EmailMultiAlternatives(
        rendered.subject,
        rendered.text,
        settings.DEFAULT_FROM_EMAIL,
        [message.recipient.email],
        headers=rendered.headers,
        connection=connection,
    )
    if rendered.html is not None:
        email.attach_alternative(rendered.html, "text/html")
    try:
        email.send()
    except OSError as exc:  # smtplib's errors are OSErrors too
        logger.warning("Sending e-mail %s failed: %s", message.pk, exc)
        _fail(message, now, f"{type(exc).__name__}: {exc}", last=False)
        return "refused" if isinstance(exc, REFUSED) else "down"
    except Exception as exc:
        # Not the server's trouble (say, an address Python cannot encode): trying again
        # would fail the same way.
        logger.exception("E-mail %s could not be sent", message.pk)
        _fail(message, now, f"{type(exc).__name__}: {exc}", last=True)
        return "failed"
    with transaction.atomic():
        _finish(message, now, status=Message.Status.SENT, sent_at=now, subject=rendered.subject)
        Delivery.objects.create(message=message, at=now, ok=True)
    return "sent"


def _fail(message: Message, now: datetime, error: str, *, last: bool) -> None:
    """Record a failed attempt; retry after the backoff, or give up after the last one."""
    error = error[:2000]
    with transaction.atomic():
        if last or message.attempts >= MAX_ATTEMPTS:
            _finish(message, now, status=Message.Status.FAILED, last_error=error)
        else:
            _finish(
                message,
                now,
                status=Message.Status.PENDING,
                last_error=error,
                next_attempt_at=now + BACKOFF[message.attempts - 1],
            )
        Delivery.objects.create(message=message, at=now, ok=False, error=error)


def send(pks: list[int], now: datetime) -> dict[str, int]:
    """Claim and send these messages over one connection. Stops at the first failure of
    the mail server: the rest stay pending for the next run."""
    counts = {"sent": 0, "skipped": 0, "failed": 0, "refused": 0, "down": 0}
    connection = get_connection()
    try:
        for pk in pks:
            message = claim(pk, now)
            if message is None:
                continue
            outcome = deliver(message, connection, now)
            counts[outcome] += 1
            if outcome == "down":
                break
    finally:
        with contextlib.suppress(OSError):  # closing a broken connection
            connection.close()
    return counts


def send_due(now: datetime | None = None) -> dict[str, int]:
    """Sweep stale claims, then send what is due, oldest first, a batch at a time, until
    nothing is due or the mail server is down. (Every message sent, skipped or retried
    leaves the due set, so each round takes new ones; the rounds are bounded anyway.)"""
    now = now or timezone.now()
    totals = {"swept": sweep_stuck(now)}
    for _round in range(MAX_ROUNDS):
        due = list(
            Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        counts = send(due, now)
        for outcome, count in counts.items():
            totals[outcome] = totals.get(outcome, 0) + count
        if len(due) < BATCH or counts["down"]:
            break
    return totals
