"""Background work of the catalog."""

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from lectio.accounts.models import User
from lectio.catalog import services
from lectio.catalog.models import Course

logger = logging.getLogger(__name__)
RECHECK_SECONDS = 10
GIVE_UP_AFTER = timedelta(hours=6)


@task()
def publish_when_ready(course_id: int, user_id: int, notes: str = "", since: str = "") -> str:
    """Publish the draft as soon as its files are processed (checks again every 10 s).

    Gives up — and leaves the draft for a person — when something else blocks publishing,
    a file failed, or six hours went by."""
    course = Course.objects.get(pk=course_id)
    started = datetime.fromisoformat(since) if since else timezone.now()
    if services.media_pending(course):
        if timezone.now() - started > GIVE_UP_AFTER:
            return "gave up"
        publish_when_ready.using(
            run_after=timezone.now() + timedelta(seconds=RECHECK_SECONDS)
        ).enqueue(course_id, user_id, notes, started.isoformat())
        return "waiting"
    problems = services.publish_problems(course)
    if problems:
        logger.warning("Course %s was not published: %s", course.pk, "; ".join(problems))
        return "blocked"
    services.publish_course(course, by=User.objects.get(pk=user_id), notes=notes)
    return "published"
