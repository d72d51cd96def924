"""Enrolments and their access windows. (Lesson progress arrives with the learner issue.)"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.catalog.models import Course


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

    def is_open(self, moment: datetime | None = None) -> bool:
        moment = moment or timezone.now()
        if self.access_starts_at and moment < self.access_starts_at:
            return False
        return not (self.access_ends_at and moment >= self.access_ends_at)
