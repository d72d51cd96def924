"""Enrolments with their access windows, and each learner's progress in each lesson."""

import uuid
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
    # Recertification starts the course again: cycle 2, 3… (earlier ones are kept as
    # CourseCompletion and ArchivedLessonProgress rows).
    cycle = models.PositiveSmallIntegerField(default=1)
    # The xAPI registration of the platform's statements about this enrolment.
    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

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


class Attestation(models.Model):
    """Evidence that a person confirmed an attestation lesson: who (name and e-mail as they
    were), when, from where, and exactly what they were shown (the published text and
    confirmation sentence in their language, with its sha256 digest and the course
    version). Written once by ``learning.services.attest``; never edited or deleted."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="attestations"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="attestations")
    course_version = models.ForeignKey(
        "catalog.CourseVersion", on_delete=models.PROTECT, related_name="attestations"
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8)
    lesson_title = models.CharField(_("lesson"), max_length=200)
    text = models.TextField(_("text as shown"))
    confirmation = models.TextField(_("confirmation as shown"))
    digest = models.CharField(_("digest"), max_length=64)
    cycle = models.PositiveSmallIntegerField(default=1)  # the enrolment's cycle
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        constraints = [
            # The same text is attested once per enrolment and cycle: a repeated submit (or
            # a new version with an unchanged text) adds no row; recertification asks again.
            models.UniqueConstraint(
                fields=["enrollment", "lesson", "digest", "cycle"], name="uniq_attestation_text"
            )
        ]
        indexes = [
            # The evidence page and its CSV export: a course's attestations, newest first.
            models.Index(fields=["course_version", "-confirmed_at"], name="attestation_version"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}: {self.lesson_title} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("An attestation is evidence: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("An attestation is evidence: it is never deleted.")


class CourseCompletion(models.Model):
    """A completed cycle of an enrolment: the record the transcript lists, one per cycle,
    never changed. Written by the one write path when the course completes."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="completions")
    cycle = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField()
    course_version = models.ForeignKey(
        "catalog.CourseVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "cycle"], name="uniq_completion_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} #{self.cycle}: {self.completed_at}"


class ArchivedLessonProgress(models.Model):
    """A lesson's progress in an earlier cycle, kept when recertification starts the course
    again (nothing a learner did is lost)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="archived_progress"
    )
    cycle = models.PositiveSmallIntegerField()
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16)
    percent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    active_seconds = models.PositiveIntegerField(default=0)
    watched_seconds = models.FloatField(default=0)
    pages_seen: Any = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.enrollment} #{self.cycle} / {self.lesson_id}"


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
