"""Webhooks: signed deliveries to a real receiver, retries with back-off, disabling after
repeated failures, and refusing private targets."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from lectio.api import services, webhooks
from lectio.api.models import WebhookDelivery, WebhookEndpoint
from lectio.learning import services as learning
from lectio.notifications.models import Message
from tests.api.receiver import Receiver
from tests.helpers import make_course, run_worker

T0 = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def receiver(settings):
    settings.LECTIO_WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    with Receiver() as running:
        yield running


@pytest.mark.django_db(transaction=True)
def test_an_event_is_delivered_signed_by_the_worker(cast, receiver):
    endpoint = services.create_endpoint(
        url=receiver.url, events=["enrollment.created"], by=cast.admin
    )
    course = make_course(cast.instructor)
    enrollment = learning.enroll(cast.learner, course, source="admin")
    run_worker()
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert webhooks.verify(endpoint.secret, headers["Lectio-Signature"], body)
    assert not webhooks.verify("whsec_wrong", headers["Lectio-Signature"], body)
    assert not webhooks.verify(endpoint.secret, headers["Lectio-Signature"], body + b" ")
    assert headers["Lectio-Event"] == "enrollment.created"
    payload = json.loads(body)
    assert payload["type"] == "enrollment.created"
    assert payload["data"]["enrollment"]["id"] == enrollment.pk
    assert payload["data"]["enrollment"]["person"]["email"] == "learner@example.com"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert headers["Lectio-Event-Id"] == str(delivery.event_id) == payload["id"]
    assert delivery.attempt_log.get().status_code == 200


@pytest.mark.django_db(transaction=True)
def test_every_event_kind_is_announced(cast, receiver):
    from lectio.accounts import services as accounts
    from lectio.assignments import services as assignments
    from lectio.assignments.models import Obligation
    from lectio.learning.models import Enrollment
    from lectio.learning.services import Report

    services.create_endpoint(
        url=receiver.url,
        events=[
            "enrollment.created",
            "lesson.completed",
            "course.completed",
            "assignment.overdue",
            "certificate.issued",
            "user.created",
        ],
        by=cast.admin,
    )
    accounts.create_person(email="new@example.com", full_name="New Person")
    course = make_course(cast.instructor, pages=1)
    enrollment = learning.enroll(cast.learner, course, source="self")
    lesson_id = course.live_version.outline["modules"][0]["lessons"][0]["id"]
    enrollment = Enrollment.objects.select_related("course__live_version", "user").get(
        pk=enrollment.pk
    )
    learning.record_progress(enrollment, lesson_id, Report(client="a", seq=1, completed=True))
    other = make_course(cast.instructor, "Ethics")
    assignments.create_assignment(
        other, by=cast.admin, people=[cast.outsider], due="after_assignment", due_days=1
    )
    assignments.refresh_statuses(at=datetime.now(UTC) + timedelta(days=3))
    assert Obligation.objects.get(user=cast.outsider).status == "overdue"
    run_worker()
    events = sorted(json.loads(body)["type"] for _h, body in receiver.received)
    assert events == [
        "assignment.overdue",
        "certificate.issued",
        "course.completed",
        "enrollment.created",
        "enrollment.created",
        "lesson.completed",
        "user.created",
    ]
    assert WebhookDelivery.objects.exclude(status="delivered").count() == 0


def test_failures_are_retried_with_exponential_back_off(cast, receiver):
    endpoint = services.create_endpoint(url=receiver.url, events=["user.created"], by=cast.admin)
    receiver.statuses = [500, 503, 502]
    services.emit("user.created", {"person": {"id": 1}}, at=T0)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.send_due(now=T0)["retry"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == ("pending", T0 + timedelta(minutes=1))
    assert webhooks.send_due(now=T0 + timedelta(seconds=59))["retry"] == 0  # not yet
    assert webhooks.send_due(now=T0 + timedelta(minutes=1))["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == T0 + timedelta(minutes=6)  # then 5 minutes
    assert webhooks.send_due(now=T0 + timedelta(minutes=6))["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == T0 + timedelta(minutes=36)  # then 30
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 3
    assert webhooks.send_due(now=T0 + timedelta(minutes=36))["delivered"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 4)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 502, 200]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    assert len({h["Lectio-Event-Id"] for h, _b in receiver.received}) == 1


def test_it_gives_up_after_the_last_attempt(cast, receiver):
    services.create_endpoint(url=receiver.url, events=["user.created"], by=cast.admin)
    receiver.statuses = [500] * 10
    services.emit("user.created", {}, at=T0)
    moment = T0
    for _attempt in range(webhooks.MAX_ATTEMPTS):
        webhooks.send_due(now=moment)
        moment += timedelta(days=1)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    webhooks.send_due(now=moment)
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS


def test_an_endpoint_failing_too_often_is_disabled_and_administrators_told(
    cast, receiver, settings
):
    settings.LECTIO_WEBHOOK_FAILURE_LIMIT = 3
    endpoint = services.create_endpoint(url=receiver.url, events=["user.created"], by=cast.admin)
    receiver.statuses = [500] * 10
    for _event in range(4):
        services.emit("user.created", {}, at=T0)
    webhooks.send_due(now=T0)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at == T0
    assert len(receiver.received) == 3  # the fourth was cancelled, not sent
    assert WebhookDelivery.objects.filter(status="cancelled").count() == 4
    message = Message.objects.get(kind="api.webhook_disabled")
    assert message.recipient == cast.admin and message.mandatory
    assert services.emit("user.created", {}) == 0  # no longer subscribed
    services.update_endpoint(endpoint, url=receiver.url, events=["user.created"])
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://example.com/hook",
        "http://user:pass@example.com/hook",
    ],
)
def test_private_and_odd_targets_are_refused(cast, url):
    with pytest.raises(ValidationError) as refused:
        services.create_endpoint(url=url, events=["user.created"], by=cast.admin)
    assert "url" in refused.value.message_dict
    assert not WebhookEndpoint.objects.exists()


def test_the_target_is_checked_again_when_sending(cast, receiver, settings):
    services.create_endpoint(url=receiver.url, events=["user.created"], by=cast.admin)
    settings.LECTIO_WEBHOOK_ALLOW_PRIVATE = False
    services.emit("user.created", {}, at=T0)
    webhooks.send_due(now=T0)
    assert receiver.received == []
    attempt = WebhookDelivery.objects.get().attempt_log.get()
    assert attempt.status_code is None and "private" in attempt.error


def test_a_receiver_that_answers_garbage_is_a_logged_failure(cast, settings):
    import socket
    import threading

    settings.LECTIO_WEBHOOK_ALLOW_PRIVATE = True
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def answer_garbage():
        connection, _address = server.accept()
        connection.recv(65536)
        connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        connection.close()

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    services.create_endpoint(
        url=f"http://127.0.0.1:{port}/", events=["user.created"], by=cast.admin
    )
    services.emit("user.created", {}, at=T0)
    assert webhooks.send_due(now=T0)["retry"] == 1
    thread.join(5)
    server.close()
    attempt = WebhookDelivery.objects.get().attempt_log.get()
    assert attempt.status_code is None and attempt.error
