"""Packages (SCORM and cmi5) and each learner's run-time data per SCO."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from lectio.catalog.models import Course, Lesson
from lectio.learning.models import Enrollment


class Package(models.Model):
    """One uploaded version of a package lesson's content. Never changed after import:
    replacing the package adds a new row (and the lesson's content points at it), so a
    published course keeps playing the version it was published with."""

    class Standard(models.TextChoices):
        SCORM12 = "scorm12", "SCORM 1.2"
        SCORM2004_3 = "scorm2004_3", "SCORM 2004 3rd edition"
        SCORM2004_4 = "scorm2004_4", "SCORM 2004 4th edition"
        CMI5 = "cmi5", "cmi5"

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="packages")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="packages")
    standard = models.CharField(max_length=16, choices=Standard.choices)
    title = models.CharField(max_length=300)
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    file_count = models.PositiveIntegerField()
    # Parsed manifest: organisation tree, resources, SCOs with launch data (packages.py).
    structure: Any = models.JSONField()
    # What changed compared with the lesson's previous package (SCOs added/removed/renamed).
    changes: Any = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The author's panel lists a lesson's versions, newest first.
        indexes = [models.Index(fields=["lesson", "-created_at"], name="package_lesson_created")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_standard_display()})"

    @property
    def folder(self) -> str:
        return f"packages/{self.key}"


class ScoState(models.Model):
    """A learner's run-time data for one SCO of a package lesson, for one attempt.

    Keyed by the SCO's identifier in the manifest (not by package), so a replaced package
    keeps the records of SCOs it still has. ``session`` counts launches and ``seq`` the
    commits of the current launch: a commit older than what is stored is ignored."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+")
    sco = models.CharField(max_length=255)
    attempt = models.PositiveIntegerField(default=1)
    session = models.PositiveIntegerField(default=0)
    seq = models.PositiveIntegerField(default=0)
    cmi: Any = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, blank=True)  # 1.2 lesson_status
    completion = models.CharField(max_length=20, blank=True)  # 2004 completion_status
    success = models.CharField(max_length=20, blank=True)  # 2004 success_status
    score_raw = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    progress_measure = models.FloatField(null=True, blank=True)
    exit = models.CharField(max_length=20, blank=True)
    # Seconds of finished sessions, and the latest session_time of the current one.
    closed_seconds = models.FloatField(default=0)
    session_seconds = models.FloatField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One row per learner, lesson, SCO and attempt: the commit endpoint's lookup.
            models.UniqueConstraint(
                fields=["enrollment", "lesson", "sco", "attempt"], name="uniq_sco_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_id}/{self.sco}#{self.attempt}"

    @property
    def total_seconds(self) -> float:
        return self.closed_seconds + self.session_seconds

    def facts(self) -> dict[str, Any]:
        """What ``runtime.outcome`` reads."""
        return {
            "status": self.status,
            "completion": self.completion,
            "success": self.success,
            "score_raw": self.score_raw,
            "score_scaled": self.score_scaled,
            "progress_measure": self.progress_measure,
        }


class Cmi5Registration(models.Model):
    """cmi5 registration: one per enrolment and cmi5 course (its IRI), stable across
    launches and package versions. ``satisfied`` lists the block and course ids the LMS
    has declared satisfied, ``waived`` the AUs it waived (each statement written once).

    An author's preview (launch mode Browse) has its own registration with no enrolment:
    ``previewer`` is the author, and nothing of it reaches anyone's progress."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    previewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+")
    course_iri = models.CharField(max_length=500)
    satisfied: Any = models.JSONField(default=list, blank=True)
    waived: Any = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "course_iri"], name="uniq_cmi5_registration"
            ),
            # One preview registration per author and course (Browse launches).
            models.UniqueConstraint(
                fields=["previewer", "course_iri"],
                name="uniq_cmi5_preview_registration",
                condition=models.Q(enrollment=None),
            ),
            models.CheckConstraint(
                condition=models.Q(enrollment__isnull=True) ^ models.Q(previewer__isnull=True),
                name="cmi5_registration_enrollment_xor_previewer",
            ),
        ]

    def __str__(self) -> str:
        return str(self.key)

    @property
    def person(self) -> Any:
        """Whose registration: the enrolled learner, or the previewing author."""
        return self.enrollment.user if self.enrollment is not None else self.previewer


class Cmi5Session(models.Model):
    """One launch of an AU. The AU's statements name it (session id extension) and are
    sent with the credential its one-time fetch URL gave out (``credential_key``)."""

    session_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        Cmi5Registration, on_delete=models.CASCADE, related_name="sessions"
    )
    au = models.CharField(max_length=500)
    package_key = models.CharField(max_length=36)
    launch_mode = models.CharField(max_length=10, default="Normal")
    launched_at = models.DateTimeField(default=timezone.now)
    fetched_at = models.DateTimeField(null=True, blank=True)
    credential_key = models.CharField(max_length=64, blank=True, db_index=True)
    # The cmi5 verbs the AU sent in this session, in order (their short names).
    verbs: Any = models.JSONField(default=list, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    terminated_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The abandoned sweep: open sessions by age.
        indexes = [
            models.Index(
                fields=["last_activity_at"],
                name="cmi5_open_sessions",
                condition=models.Q(terminated_at=None, abandoned_at=None),
            )
        ]

    def __str__(self) -> str:
        return f"{self.au} {self.session_id}"

    @property
    def open(self) -> bool:
        return self.terminated_at is None and self.abandoned_at is None
