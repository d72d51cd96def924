import io

from django.utils import timezone

from lectio.notifications import demo, sending
from lectio.notifications.models import Message
from tests.notifications.mail import part, subject


def test_the_demo_welcomes_each_demo_account_once(cast, mailbox):
    demo.populate(io.StringIO())
    demo.populate(io.StringIO())
    assert Message.objects.count() == 4
    sending.send_due(timezone.now())
    assert len(mailbox) == 4
    turkish = next(m for m in mailbox if m["To"] == "manager@example.com")
    assert subject(turkish) == "Lectio platformuna hoş geldiniz"
    assert "manager@example.com" in part(turkish)
