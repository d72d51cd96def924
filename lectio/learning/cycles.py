"""Recertification cycles: part of the one write path (split from services.py).

``start_new_cycle`` opens the course again for a person who completed it: the finished
cycle stays on record (its ``CourseCompletion`` row, each lesson's progress copied to
``ArchivedLessonProgress``, attestations and certificates untouched), and the enrolment
starts over — cycle + 1, no completion, 0 %, every lesson to do again — with its access
window reopened when it has closed.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.learning import services
from lectio.learning.models import ArchivedLessonProgress, Enrollment, LessonProgress


@transaction.atomic
def start_new_cycle(enrollment: Enrollment, *, at: datetime | None = None) -> Enrollment:
    """Start the next cycle of a completed enrolment (a no-op if it is not completed)."""
    at = at or timezone.now()
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=enrollment.pk)
    )
    if enrollment.completed_at is None:
        return enrollment
    rows = list(LessonProgress.objects.filter(enrollment=enrollment))
    ArchivedLessonProgress.objects.bulk_create(
        ArchivedLessonProgress(
            enrollment=enrollment,
            cycle=enrollment.cycle,
            lesson_id=row.lesson_id,
            status=row.status,
            percent=row.percent,
            completed_at=row.completed_at,
            active_seconds=row.active_seconds,
            watched_seconds=row.watched_seconds,
            pages_seen=row.pages_seen,
        )
        for row in rows
    )
    LessonProgress.objects.filter(pk__in=[row.pk for row in rows]).delete()
    enrollment.cycle += 1
    enrollment.completed_at = None
    enrollment.progress_percent = 0
    enrollment.last_lesson = None
    enrollment.last_activity_at = None
    enrollment.save(
        update_fields=[
            "cycle",
            "completed_at",
            "progress_percent",
            "last_lesson",
            "last_activity_at",
        ]
    )
    if not enrollment.is_open(at):
        starts, ends = services.access_window(enrollment.course, at)
        services.change_access(
            enrollment,
            starts_at=starts,
            ends_at=ends,
            by=None,
            reason=_("Recertification: cycle %(cycle)s opens the course again.")
            % {"cycle": enrollment.cycle},
        )
        enrollment.refresh_from_db()
    return enrollment
