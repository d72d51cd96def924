"""Enrolments with their access windows, and each learner's progress in each lesson."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.catalog.models import Course, LearningPath, Lesson


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def open_at(self, moment: datetime) -> "EnrollmentQuerySet":
        """Enrolments whose access window contains ``moment``."""
        return self.filter(
            models.Q(access_starts_at__isnull=True) | models.Q(access_starts_at__lte=moment),
            models.Q(access_ends_at__isnull=True) | models.Q(access_ends_at__gt=moment),
        )


class Enrollment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned")
        ADMIN = "admin", _("Enrolled by an administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(default=timezone.now)
    access_starts_at = models.DateTimeField(_("access starts"), null=True, blank=True)
    access_ends_at = models.DateTimeField(_("access ends"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The obligation's due date (the end of that day in the person's time zone), set by an
    # administrator's enrolment or by the assignments app; the earliest one wins.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    # Cached by the one write path so the dashboard reads one row per course.
    progress_percent = models.PositiveSmallIntegerField(default=0)
    last_lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [
            # One enrolment per person and course; assignments merge into it.
            models.UniqueConstraint(fields=["user", "course"], name="uniq_enrollment")
        ]
        indexes = [
            # The learner's dashboard: their enrolments, newest first.
            models.Index(fields=["user", "-enrolled_at"], name="enrollment_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    def is_overdue(self, moment: datetime | None = None) -> bool:
        return bool(
            self.due_at and not self.completed_at and (moment or timezone.now()) > self.due_at
        )

    def is_open(self, moment: datetime | None = None) -> bool:
        moment = moment or timezone.now()
        if self.access_starts_at and moment < self.access_starts_at:
            return False
        return not (self.access_ends_at and moment >= self.access_ends_at)


class LessonProgress(models.Model):
    """One learner's progress in one lesson, kept up to date by ``learning.services``.

    Video progress is the set of seconds actually watched (merged intervals), never the
    furthest position; it never goes down."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    # When the last report was accepted: what wall-clock time allows is counted from here.
    last_report_at = models.DateTimeField(default=timezone.now)
    position = models.FloatField(default=0)  # seconds into a video, or a page number
    watched: Any = models.JSONField(default=list, blank=True)  # merged [start, end] pairs
    watched_seconds = models.FloatField(default=0)
    pages_seen: Any = models.JSONField(default=list, blank=True)
    # Active seconds spent on each page of a document: {"3": 42, ...}.
    page_seconds: Any = models.JSONField(default=dict, blank=True)
    active_seconds = models.PositiveIntegerField(default=0)
    # Last sequence number per open page (client), so a repeated report changes nothing.
    sequence: Any = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="uniq_lesson_progress")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} / {self.lesson}: {self.percent}%"


class AccessChange(models.Model):
    """The record of an administrator changing an enrolment's access window."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="access_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    old_starts_at = models.DateTimeField(null=True, blank=True)
    old_ends_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    new_ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.enrollment}: {self.old_ends_at} → {self.new_ends_at}"


class WatchSegment(models.Model):
    """A stretch of a video someone played, as reported (rewatches included). An
    append-only log the worker folds into VideoEngagement and then deletes."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    start = models.FloatField()
    end = models.FloatField()

    def __str__(self) -> str:
        return f"{self.lesson_id}: {self.start}-{self.end}"


class VideoEngagement(models.Model):
    """Per-second engagement of a video lesson, computed by the worker: how often each
    second was played (rewatches included) and by how many people."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="engagement")
    duration = models.FloatField(default=0)
    plays: Any = models.JSONField(default=list)  # plays of second i, rewatches included
    viewers: Any = models.JSONField(default=list)  # people who watched second i
    people = models.PositiveIntegerField(default=0)  # people who watched any of it
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"engagement of {self.lesson_id}"


class PathEnrollment(models.Model):
    """A person following a learning path. Taking the path's courses is through their own
    enrolments; this row caches the path's progress (moved by ``learning.paths`` when one
    of those courses completes) so pages read one row per path."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="path_enrollments"
    )
    path = models.ForeignKey(LearningPath, on_delete=models.PROTECT, related_name="enrollments")
    source = models.CharField(
        max_length=16, choices=Enrollment.Source.choices, default=Enrollment.Source.SELF
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Cached: completions counted towards the path (required steps done, plus for each
    # group of electives at most its number to complete) over the number needed.
    progress_percent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="uniq_path_enrollment")
        ]
        indexes = [
            # The dashboard's programmes, newest first.
            models.Index(fields=["user", "-enrolled_at"], name="pathenrollment_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.path}"
