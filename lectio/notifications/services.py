"""The notifications app's public write surface: ``notify`` and the outbox's actions.

Other apps (assignments, certificates, reports) send e-mail only through ``notify``::

    notify(
        person,
        kind="assignments.reminder",
        key=f"reminder:obligation:{obligation.pk}:7d",
        template="assignments/reminder",
        context={"course_title": title, "due_at": obligation.due_at},
        mandatory=True,
        send_after=None,
    ) -> Message

The contract:

- **One message per key, ever.** ``key`` (at most 200 characters) names the event, not the
  attempt: calling ``notify`` again with the same key — on a re-run, from a second worker,
  at the same moment — returns the existing message and sends nothing more. Build keys from
  the ids and the step that make the event unique (``"reminder:obligation:42:7d"``).
- **Rendered when sent**, in the recipient's language and time zone as they are then, from
  ``notifications/<template>_subject.txt``, ``notifications/<template>.txt`` and, when it
  exists, ``notifications/<template>.html`` (any app's ``templates/`` folder may hold
  them). Text templates wrap their body in ``{% autoescape off %}``. A template gets the
  context plus ``recipient`` (the User), ``site_url``, ``site_name`` and ``unsubscribe_url``
  (empty for mandatory messages). Non-mandatory messages get the unsubscribe link appended
  and a ``List-Unsubscribe`` header.
- **Context is JSON**: strings, numbers, booleans, None, lists and dicts of them. Keys ending
  in ``_at`` hold datetimes: pass an aware datetime (stored as ISO 8601 UTC) and the
  template gets it back as a datetime, so ``{{ due_at|date:"DATETIME_FORMAT" }}`` shows it
  in the recipient's zone. Pass ids and text, never model instances.
- ``mandatory`` messages (assigned training, due dates, escalations) ignore the person's
  opt-out; others are skipped for people who opted out. Deactivated people get nothing.
- ``send_after`` (aware datetime) delays the message; otherwise it leaves as soon as the
  surrounding transaction commits (the worker sends it; a periodic job retries failures
  with backoff and picks up anything missed). A rolled-back transaction sends nothing.
"""

import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from lectio.accounts.models import User
from lectio.notifications.models import Delivery, Message, Preference

logger = logging.getLogger(__name__)

KIND = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
TEMPLATE = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
UNSUBSCRIBE_SALT = "lectio.notifications.unsubscribe"


def _json_context(value: Any, name: str = "") -> Any:
    """The context as stored: JSON values only; datetimes under ``*_at`` keys as ISO UTC."""
    if isinstance(value, datetime):
        if not name.endswith("_at") or timezone.is_naive(value):
            raise ValueError(f"context[{name!r}]: aware datetimes only, under keys ending in _at")
        return value.astimezone(UTC).isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_json_context(item, name) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_context(item, str(key)) for key, item in value.items()}
    raise ValueError(f"context[{name!r}]: {type(value).__name__} is not JSON; pass ids and text")


def notify(
    recipient: User,
    *,
    kind: str,
    key: str,
    template: str,
    context: dict[str, Any],
    mandatory: bool,
    send_after: datetime | None = None,
) -> Message:
    """Queue one e-mail to ``recipient`` for ``key``, or return the one already queued.

    See the module docstring for the whole contract."""
    if not KIND.match(kind) or len(kind) > 100:
        raise ValueError(f"kind {kind!r}: a short dotted name such as 'assignments.reminder'")
    if not key or len(key) > 200:
        raise ValueError("key: 1 to 200 characters")
    if not TEMPLATE.match(template) or len(template) > 200:
        raise ValueError(f"template {template!r}: lower-case names separated by '/'")
    if send_after is not None and timezone.is_naive(send_after):
        raise ValueError("send_after: an aware datetime")
    stored = _json_context(context)
    if existing := Message.objects.filter(key=key).first():
        return _same(existing, recipient)
    now = timezone.now()
    due = send_after or now
    try:
        # A savepoint: a concurrent notify() with the same key wins the unique index, and
        # the caller's transaction carries on with that message.
        with transaction.atomic():
            message = Message.objects.create(
                recipient=recipient,
                kind=kind,
                key=key,
                template=template,
                context=stored,
                mandatory=mandatory,
                send_after=due,
                next_attempt_at=due,
                created_at=now,
            )
    except IntegrityError:
        existing = Message.objects.filter(key=key).first()
        if existing is None:
            raise
        return _same(existing, recipient)
    if due <= now:
        _enqueue(message)
    return message


def _same(existing: Message, recipient: User) -> Message:
    if existing.recipient_id != recipient.pk:
        # A key names one event for one person; reusing it for another is a caller's bug.
        logger.warning("Notification key %r belongs to another recipient", existing.key)
    return existing


def _enqueue(message: Message) -> None:
    from lectio.notifications.tasks import send_message

    pk = message.pk
    transaction.on_commit(lambda: send_message.enqueue(pk))


def send_test_email(to: User) -> Message:
    """A mandatory test message to ``to`` (an administrator checking the SMTP settings)."""
    now = timezone.now()
    return notify(
        to,
        kind="notifications.test",
        key=f"test:{to.pk}:{now.isoformat()}",
        template="test_email",
        context={"requested_at": now},
        mandatory=True,
    )


def retry_now(message: Message, *, by: User) -> bool:
    """Send a failed message again now, with a fresh set of attempts; noted in its log."""
    now = timezone.now()
    with transaction.atomic():
        retried = Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
            status=Message.Status.PENDING, attempts=0, next_attempt_at=now, claimed_at=None
        )
        if not retried:
            return False
        Delivery.objects.create(message=message, at=now, ok=None, note=Delivery.Note.RETRY, by=by)
        _enqueue(message)
    return True


def preference_for(user: User) -> Preference:
    """The person's preferences (the defaults until they change something)."""
    try:
        preference: Preference = user.notification_preference
        return preference
    except Preference.DoesNotExist:
        return Preference(user=user)


def set_optional_email(user: User, enabled: bool) -> None:
    Preference.objects.update_or_create(user=user, defaults={"optional_email": enabled})


def unsubscribe_token(user: User) -> str:
    """A signed token naming the person, for the unsubscribe link (it does not expire)."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    person: User | None = User.objects.filter(pk=pk).first()
    return person
