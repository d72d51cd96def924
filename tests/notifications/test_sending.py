"""Sending over real SMTP: language and time zone, retries, stale claims, opting out."""

import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from lectio.accounts import services as accounts
from lectio.notifications import sending, services
from lectio.notifications.models import Delivery, Message
from tests.notifications.mail import part, subject

AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _notify(person, key="hello:1", *, mandatory=False):
    return services.notify(
        person,
        kind="tests.hello",
        key=key,
        template="test_email",
        context={"requested_at": AT},
        mandatory=mandatory,
    )


@pytest.fixture
def closed_port():
    with socket.socket() as probe:  # bound but never listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        yield probe.getsockname()[1]


def test_a_turkish_reader_gets_turkish_and_their_own_time(cast, mailbox):
    message = _notify(cast.manager, mandatory=True)  # Turkish, Europe/Istanbul
    assert sending.send_due(timezone.now())["sent"] == 1
    [email] = mailbox
    assert subject(email) == "Lectio deneme e-postası"
    text = part(email)
    assert "Merhaba Murat Manager" in text
    assert "28 Kasım 2026 15:00" in text  # 12:00 UTC is 15:00 in Istanbul
    assert "28 Kasım 2026 15:00" in part(email, "text/html")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.sent_at is not None
    assert message.subject == "Lectio deneme e-postası"
    assert list(message.deliveries.values_list("ok", flat=True)) == [True]


def test_an_english_reader_in_berlin_gets_english_and_berlin_time(cast, mailbox):
    _notify(cast.outsider, mandatory=True)
    sending.send_due(timezone.now())
    [email] = mailbox
    assert subject(email) == "Test e-mail from Lectio"
    assert "Nov. 28, 2026, 1 p.m." in part(email)


def test_it_renders_in_the_language_the_person_has_when_it_is_sent(cast, mailbox):
    _notify(cast.outsider, mandatory=True)
    accounts.set_preferences(cast.outsider, language="tr", time_zone="Europe/Istanbul")
    sending.send_due(timezone.now())
    assert subject(mailbox[0]) == "Lectio deneme e-postası"


def test_an_smtp_failure_is_retried_with_backoff_until_the_server_is_back(
    cast, mailbox, settings, closed_port
):
    message = _notify(cast.learner)
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port
    now = timezone.now()
    assert sending.send_due(now)["down"] == 1
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert "ConnectionRefusedError" in message.last_error
    failed = message.deliveries.get()
    assert failed.ok is False and "ConnectionRefusedError" in failed.error

    # Not before the backoff; then the next waits longer (1 min, 5 min, 30 min, ...).
    assert sending.send_due(now + timedelta(seconds=59))["down"] == 0
    now += timedelta(minutes=1)
    sending.send_due(now)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == now + timedelta(minutes=5)

    settings.EMAIL_PORT = real_port
    now += timedelta(minutes=5)
    assert sending.send_due(now)["sent"] == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 3
    assert list(message.deliveries.values_list("ok", flat=True)) == [False, False, True]
    assert len(mailbox) == 1


def test_it_gives_up_after_six_attempts(cast, mailbox, settings, closed_port):
    message = _notify(cast.learner)
    settings.EMAIL_PORT = closed_port
    now = timezone.now()
    waits = []
    for _ in range(6):
        sending.send_due(now)
        message.refresh_from_db()
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert message.status == Message.Status.FAILED
    assert message.attempts == 6
    assert waits[:5] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert message.deliveries.filter(ok=False).count() == 6
    assert sending.send_due(now + timedelta(days=2))["down"] == 0


def test_a_message_whose_worker_died_while_sending_goes_back_to_pending(cast, mailbox):
    message = _notify(cast.learner)
    now = timezone.now()
    assert sending.claim(message.pk, now) is not None  # a worker claims it, then dies
    assert sending.send_due(now + timedelta(minutes=14))["sent"] == 0
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING

    result = sending.send_due(now + timedelta(minutes=16))
    assert result["swept"] == 1 and result["sent"] == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2
    assert message.deliveries.filter(note=Delivery.Note.STALE).exists()
    assert len(mailbox) == 1


def test_a_claimed_message_is_not_claimed_again(cast):
    message = _notify(cast.learner)
    now = timezone.now()
    assert sending.claim(message.pk, now) is not None
    assert sending.claim(message.pk, now) is None


def test_opting_out_skips_optional_messages_but_not_mandatory_ones(cast, mailbox):
    services.set_optional_email(cast.learner, False)
    optional = _notify(cast.learner, key="optional")
    mandatory = _notify(cast.learner, key="mandatory", mandatory=True)
    result = sending.send_due(timezone.now())
    assert result["skipped"] == 1 and result["sent"] == 1
    optional.refresh_from_db()
    mandatory.refresh_from_db()
    assert optional.status == Message.Status.SKIPPED
    assert optional.deliveries.get().note == Delivery.Note.OPTED_OUT
    assert mandatory.status == Message.Status.SENT
    assert len(mailbox) == 1
    assert "List-Unsubscribe" not in mailbox[0]


def test_deactivated_people_get_nothing(cast, mailbox):
    message = _notify(cast.learner, mandatory=True)
    accounts.deactivate_person(cast.learner)
    sending.send_due(timezone.now())
    message.refresh_from_db()
    assert message.status == Message.Status.SKIPPED
    assert message.deliveries.get().note == Delivery.Note.INACTIVE
    assert mailbox == []


def test_optional_messages_carry_an_unsubscribe_link_and_header(cast, mailbox):
    _notify(cast.learner)
    sending.send_due(timezone.now())
    [email] = mailbox
    header = email["List-Unsubscribe"].strip()  # the parser keeps the folding
    assert header.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.strip("<>") in part(email)
    assert header.strip("<>") in part(email, "text/html")


def test_a_broken_template_fails_at_once_with_the_reason(cast, mailbox):
    message = services.notify(
        cast.learner,
        kind="tests.broken",
        key="broken",
        template="no_such_template",
        context={},
        mandatory=True,
    )
    sending.send_due(timezone.now())
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "TemplateDoesNotExist" in message.last_error
    assert mailbox == []


def test_one_run_sends_everything_due_in_batches_over_one_connection(cast, mailbox, monkeypatch):
    monkeypatch.setattr(sending, "BATCH", 2)
    for n in range(5):
        _notify(cast.learner, key=f"batch:{n}", mandatory=True)
    result = sending.send_due(timezone.now())
    assert result["sent"] == 5
    assert len(mailbox) == 5
    assert not Message.objects.exclude(status=Message.Status.SENT).exists()


def test_a_server_down_stops_the_run_and_leaves_the_rest_untouched(
    cast, mailbox, settings, closed_port
):
    for n in range(3):
        _notify(cast.learner, key=f"down:{n}", mandatory=True)
    settings.EMAIL_PORT = closed_port
    result = sending.send_due(timezone.now())
    assert result["down"] == 1 and result["sent"] == 0
    assert sorted(Message.objects.values_list("attempts", flat=True)) == [0, 0, 1]


def test_a_message_stuck_on_its_last_attempt_fails_instead(cast, mailbox):
    message = _notify(cast.learner)
    Message.objects.filter(pk=message.pk).update(attempts=sending.MAX_ATTEMPTS - 1)
    now = timezone.now()
    sending.claim(message.pk, now)
    assert sending.send_due(now + timedelta(minutes=16))["swept"] == 1
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.deliveries.get().note == Delivery.Note.GAVE_UP
    assert mailbox == []


def test_an_error_that_is_not_the_servers_fails_the_message_at_once(cast, mailbox, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, fail_silently=False):
        raise ValueError("an address that cannot be encoded")

    message = _notify(cast.learner, mandatory=True)
    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert sending.send_due(timezone.now())["failed"] == 1
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.attempts == 1
    assert "ValueError" in message.deliveries.get().error
