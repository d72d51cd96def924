"""Through the real worker: notify → after commit → the worker's queue → the SMTP sink."""

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lectio import schedule
from lectio.notifications import services
from lectio.notifications.models import Message
from tests.helpers import run_worker


def _notify(person, key):
    return services.notify(
        person,
        kind="tests.hello",
        key=key,
        template="test_email",
        context={"requested_at": timezone.now()},
        mandatory=True,
    )


def test_the_worker_sends_a_message_once(transactional_db, cast, mailbox):
    with transaction.atomic():
        _notify(cast.learner, "once")
        _notify(cast.learner, "once")
    assert DBTaskResult.objects.count() == 1
    _notify(cast.learner, "once")  # after commit: the same message, nothing enqueued
    run_worker()
    run_worker()
    assert len(mailbox) == 1
    assert Message.objects.get().status == Message.Status.SENT


def test_a_rolled_back_notify_sends_nothing(transactional_db, cast, mailbox):
    try:
        with transaction.atomic():
            _notify(cast.learner, "never")
            raise RuntimeError
    except RuntimeError:
        pass
    run_worker()
    assert mailbox == [] and not Message.objects.exists()


def test_the_periodic_job_sends_what_is_due(transactional_db, cast, mailbox, settings):
    settings.LECTIO_PERIODIC_TASKS = {
        "notifications.send_due": {
            "task": "lectio.notifications.tasks.send_due_messages",
            "every": 60,
        }
    }
    # A message whose own task was lost (say, enqueued on a queue nobody ran).
    Message.objects.create(
        recipient=cast.learner,
        kind="tests.hello",
        key="lost",
        template="test_email",
        context={"requested_at": timezone.now().isoformat()},
        mandatory=True,
    )
    assert schedule.tick() == ["notifications.send_due"]
    run_worker()
    assert len(mailbox) == 1
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL" and result.return_value["sent"] == 1
