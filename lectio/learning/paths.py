"""Every write to a person's learning paths: enrolling, and the path's progress.

Enrolling in a path enrols the person in the course of every required step; electives are
enrolled in one by one from the path page (that is just an enrolment in the course). The
path's progress is cached on ``PathEnrollment`` and moved only by writes: enrolling, and a
course completing (``course_completed``, registered with ``hooks.on_course_completed`` by
learning's AppConfig, so it runs after the completion commits). A path completes when
every required course is completed and each group of electives has its number of
completed courses; then ``hooks.path_completed`` runs after commit.

A course completed before the person enrolled in the path counts for it. When a path is
republished, the worker enrols the people following it in any newly required course and
recomputes their progress (``follow_republished_path``).
"""

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.catalog.models import Course, LearningPath
from lectio.catalog.paths import path_course_ids, required_course_ids
from lectio.learning import hooks, statements, tasks
from lectio.learning.models import Enrollment, PathEnrollment
from lectio.learning.services import enroll

logger = logging.getLogger(__name__)


def path_progress(outline: dict[str, Any], done: set[int]) -> tuple[int, int]:
    """(completions that count, completions needed) for a path outline and the ids of the
    courses the person completed: each required step counts once, each group of electives
    at most its number to complete."""
    counted = needed = 0
    for step in outline["steps"]:
        if step["kind"] == "course":
            needed += 1
            counted += step["course"] in done
        else:
            pick = int(step["pick"])
            needed += pick
            counted += min(pick, len(done & {item["course"] for item in step["courses"]}))
    return counted, needed


def percent(counted: int, needed: int) -> int:
    return counted * 100 // needed if needed else 0


def completed_courses(user_id: int, course_ids: list[int]) -> set[int]:
    return set(
        Enrollment.objects.filter(
            user_id=user_id, course_id__in=course_ids, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )


def _outline(path: LearningPath) -> dict[str, Any]:
    if path.live_version is None:
        raise ValidationError(_("This programme is not published."), code="draft")
    outline: dict[str, Any] = path.live_version.outline
    return outline


@transaction.atomic
def refresh(path_enrollment: PathEnrollment, *, at: datetime | None = None) -> PathEnrollment:
    """Recompute the cached progress from the person's completed courses; the first time
    it is complete, stamp ``completed_at`` and announce it after commit. A completed path
    stays completed (a completion is a record, not a state), whatever is republished."""
    at = at or timezone.now()
    locked = (
        # Lock only the enrolment's row: PostgreSQL refuses FOR UPDATE on the nullable
        # side of the join to the live version.
        PathEnrollment.objects.select_for_update(of=("self",))
        .select_related("path__live_version")
        .get(pk=path_enrollment.pk)
    )
    if locked.completed_at is not None:
        return locked
    outline = _outline(locked.path)
    counted, needed = path_progress(
        outline, completed_courses(locked.user_id, path_course_ids(outline))
    )
    fields: dict[str, Any] = {"progress_percent": percent(counted, needed)}
    if needed and counted == needed:
        fields["completed_at"] = at
        path_enrollment_id = locked.pk
        statements.record([statements.path_completed(locked.user, outline, at)])
        transaction.on_commit(lambda: hooks.path_completed(path_enrollment_id))
    PathEnrollment.objects.filter(pk=locked.pk).update(**fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    return locked


def enroll_in_path(
    user: User, path: LearningPath, *, source: str, at: datetime | None = None
) -> PathEnrollment:
    """Enrol ``user`` in the path and in the live course of each required step (existing
    enrolments are kept as they are). Idempotent: enrolling again adds what a republished
    path now requires."""
    at = at or timezone.now()
    outline = _outline(path)
    with transaction.atomic():
        try:
            with transaction.atomic():
                path_enrollment, _created = PathEnrollment.objects.get_or_create(
                    user=user, path=path, defaults={"source": source, "enrolled_at": at}
                )
        except IntegrityError:  # a second tab enrolled at the same moment
            path_enrollment = PathEnrollment.objects.get(user=user, path=path)
        required = required_course_ids(outline)
        courses = Course.objects.live().filter(pk__in=required).select_related("live_version")
        for course in courses:
            enroll(user, course, source=source, at=at)
        return refresh(path_enrollment, at=at)


def self_enroll_in_path(user: User, path: LearningPath) -> PathEnrollment:
    """A learner enrols from the catalogue: only in live, open paths."""
    live = path.live_version
    if not path.is_live or live is None or live.visibility != LearningPath.Visibility.OPEN:
        raise ValidationError(_("This programme is not open for enrolment."), code="closed")
    return enroll_in_path(user, path, source=Enrollment.Source.SELF)


@transaction.atomic
def enroll_people_in_path(path: LearningPath, people: list[User]) -> int:
    """An administrator enrols people (already enrolled ones keep their enrolment); the
    number newly enrolled."""
    if not path.is_live:
        raise ValidationError(_("Publish the programme before enrolling people."), code="draft")
    before = PathEnrollment.objects.filter(path=path).count()
    for person in people:
        enroll_in_path(person, path, source=Enrollment.Source.ADMIN)
    return PathEnrollment.objects.filter(path=path).count() - before


def choose_elective(path_enrollment: PathEnrollment, course: Course) -> Enrollment:
    """The person takes one of the path's electives: an enrolment in that course."""
    outline = _outline(path_enrollment.path)
    electives = set(path_course_ids(outline)) - set(required_course_ids(outline))
    if course.pk not in electives or not course.is_live:
        raise ValidationError(_("This course is not an elective of the programme."), code="course")
    return enroll(path_enrollment.user, course, source=Enrollment.Source.SELF)


def course_completed(enrollment_id: int) -> None:
    """Registered with ``hooks.on_course_completed``: move the progress of the person's
    open paths that contain the course. Runs after the completion commits, so a failure is
    logged rather than spoiling the learner's response (``refresh`` may run again)."""
    try:
        enrollment = Enrollment.objects.filter(pk=enrollment_id).only("user", "course").first()
        if enrollment is None:
            return
        open_paths = PathEnrollment.objects.filter(
            user_id=enrollment.user_id,
            completed_at__isnull=True,
            path__live_version__isnull=False,
        ).select_related("path__live_version")
        for path_enrollment in open_paths:
            assert path_enrollment.path.live_version is not None
            if enrollment.course_id in path_course_ids(path_enrollment.path.live_version.outline):
                refresh(path_enrollment)
    except Exception:
        logger.exception("Path progress not updated for enrolment %s", enrollment_id)


def follow_republished_path(path_id: int) -> int:
    """Bring the people following a republished path up to date (see the task)."""
    path = LearningPath.objects.select_related("live_version").filter(pk=path_id).first()
    if path is None or not path.is_live:
        return 0
    followers = PathEnrollment.objects.filter(path=path, completed_at__isnull=True)
    count = 0
    for path_enrollment in followers.select_related("user").iterator():
        enroll_in_path(path_enrollment.user, path, source=path_enrollment.source)
        count += 1
    return count


def path_published(path_id: int) -> None:
    """Registered with ``catalog.hooks.on_path_published``: the followers are brought up
    to date by the worker (a path may have thousands of them)."""
    tasks.follow_republished_path.enqueue(path_id)
