"""The outbox (administrators), e-mail preferences (everyone)."""

import pytest
from django.test import Client
from django.utils import timezone

from lectio.notifications import sending, services
from lectio.notifications.models import Delivery, Message
from tests.helpers import client_for


def _notify(person, key, **extra):
    return services.notify(
        person,
        kind=extra.pop("kind", "tests.hello"),
        key=key,
        template="test_email",
        context={"requested_at": timezone.now()},
        mandatory=True,
        **extra,
    )


@pytest.mark.parametrize("who", ["manager", "learner", "instructor"])
def test_the_outbox_is_for_administrators_only(cast, who):
    message = _notify(cast.learner, "k")
    client = client_for(getattr(cast, who))
    assert client.get("/notifications/").status_code == 403
    assert client.get(f"/notifications/{message.pk}/").status_code == 403
    assert client.post(f"/notifications/{message.pk}/retry/").status_code == 403
    assert client.post("/notifications/test/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get("/notifications/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert Client().get("/notifications/preferences/").status_code == 302


def test_the_outbox_lists_and_filters_in_bounded_queries(cast, django_assert_max_num_queries):
    client = client_for(cast.admin)
    _notify(cast.learner, "a", kind="assignments.reminder")
    _notify(cast.manager, "b", kind="reports.digest")
    with django_assert_max_num_queries(8) as few:
        page = client.get("/notifications/")
    assert page.status_code == 200
    assert b"assignments.reminder" in page.content and b"reports.digest" in page.content
    for n in range(30):
        _notify(cast.outsider, f"more:{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/notifications/").status_code == 200

    page = client.get("/notifications/", {"kind": "assignments"})
    assert b"assignments.reminder" in page.content and b"reports.digest" not in page.content
    page = client.get("/notifications/", {"q": "murat"})
    assert b"reports.digest" in page.content and b"assignments.reminder" not in page.content
    page = client.get("/notifications/", {"status": "sent"})
    assert b"No message matches" in page.content


def test_the_outbox_pages(cast):
    client = client_for(cast.admin)
    for n in range(55):
        _notify(cast.learner, f"k{n}")
    assert b"page=2" in client.get("/notifications/").content
    assert client.get("/notifications/", {"page": 2}).status_code == 200


def test_a_message_shows_its_delivery_log_in_bounded_queries(
    cast, mailbox, django_assert_max_num_queries
):
    message = _notify(cast.learner, "k")
    sending.send_due(timezone.now())
    client = client_for(cast.admin)
    with django_assert_max_num_queries(7):
        page = client.get(f"/notifications/{message.pk}/")
    assert b"Handed to the mail server" in page.content
    assert client.get("/notifications/999999/").status_code == 404


def test_retry_now_queues_a_failed_message_again_and_notes_who(cast, mailbox):
    message = _notify(cast.learner, "k")
    Message.objects.filter(pk=message.pk).update(status="failed", attempts=6, last_error="x")
    client = client_for(cast.admin)
    response = client.post(f"/notifications/{message.pk}/retry/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING and message.attempts == 0
    note = message.deliveries.get()
    assert note.note == Delivery.Note.RETRY and note.by == cast.admin
    sending.send_due(timezone.now())
    assert len(mailbox) == 1
    # Only failed messages: a sent one is not sent again.
    client.post(f"/notifications/{message.pk}/retry/")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_an_administrator_sends_themselves_a_test_email(cast, mailbox):
    client = client_for(cast.admin)
    assert client.get("/notifications/test/").status_code == 405
    response = client.post("/notifications/test/")
    message = Message.objects.get()
    assert response["Location"] == f"/notifications/{message.pk}/"
    assert message.recipient == cast.admin and message.mandatory
    assert message.kind == "notifications.test"
    sending.send_due(timezone.now())
    assert [m["To"] for m in mailbox] == ["admin@example.com"]
    client.post("/notifications/test/")  # a second test is a new message
    assert Message.objects.count() == 2


def test_everyone_chooses_optional_emails_and_is_told_mandatory_ones_stay(cast):
    client = client_for(cast.learner)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    assert b"cannot be switched off" in page.content
    assert b"checked" in page.content
    assert client.post("/notifications/preferences/", {}).status_code == 302
    assert services.preference_for(cast.learner).optional_email is False
    client.post("/notifications/preferences/", {"optional_email": "on"})
    cast.learner.refresh_from_db()
    assert services.preference_for(cast.learner).optional_email is True


def test_the_profile_links_to_the_preferences_and_administrators_to_the_outbox(cast):
    assert (
        b"/notifications/preferences/" in client_for(cast.learner).get("/accounts/profile/").content
    )
    assert (
        b'href="/notifications/"' not in client_for(cast.learner).get("/accounts/profile/").content
    )
    assert b'href="/notifications/"' in client_for(cast.admin).get("/accounts/profile/").content
