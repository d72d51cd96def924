"""notify(): one message per key, validated input, sent after commit."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lectio.notifications import sending, services
from lectio.notifications.models import Message

AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _notify(person, key="hello:1", **extra):
    return services.notify(
        person,
        kind="tests.hello",
        key=key,
        template="test_email",
        context={"requested_at": AT},
        mandatory=extra.pop("mandatory", False),
        **extra,
    )


def test_it_stores_a_pending_message_with_a_json_context(cast):
    message = _notify(cast.learner)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.context == {"requested_at": "2026-11-28T12:00:00+00:00"}
    assert message.attempts == 0 and message.subject == ""


def test_the_same_key_twice_gives_the_same_message_and_one_email(cast, mailbox):
    first = _notify(cast.learner)
    second = _notify(cast.learner)
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    sending.send_due(timezone.now())
    sending.send_due(timezone.now())
    assert len(mailbox) == 1
    assert mailbox[0]["To"] == "learner@example.com"


def test_a_message_for_later_waits(cast, mailbox):
    later = timezone.now() + timedelta(hours=3)
    _notify(cast.learner, send_after=later)
    assert sending.send_due(timezone.now())["sent"] == 0
    assert sending.send_due(later)["sent"] == 1
    assert len(mailbox) == 1


def test_it_enqueues_the_send_after_commit_only_when_due(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _notify(cast.learner, key="now")
        _notify(cast.learner, key="now")
        _notify(cast.learner, key="later", send_after=timezone.now() + timedelta(days=1))
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "Reminder"),
        ("key", ""),
        ("template", "../secrets"),
        ("context", {"person": object()}),
        ("context", {"due": AT}),  # datetimes only under keys ending in _at
        ("context", {"due_at": datetime(2026, 1, 1)}),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_it_refuses_what_it_cannot_store(cast, field, value):
    arguments = {
        "kind": "tests.hello",
        "key": "k",
        "template": "test_email",
        "context": {},
        "mandatory": False,
        field: value,
    }
    with pytest.raises(ValueError):
        services.notify(cast.learner, **arguments)
    assert not Message.objects.exists()


def test_two_callers_racing_on_one_key_get_one_message(transactional_db, cast):
    start = threading.Barrier(4)
    results: list[int] = []

    def call() -> None:
        try:
            start.wait()
            results.append(_notify(cast.learner, key="race").pk)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Message.objects.count() == 1
    assert results == [Message.objects.get().pk] * 4


def test_a_key_reused_for_another_person_is_logged_and_not_sent_twice(cast, caplog):
    first = _notify(cast.learner, key="shared")
    assert _notify(cast.outsider, key="shared").pk == first.pk
    assert "belongs to another recipient" in caplog.text
