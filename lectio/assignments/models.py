"""Assigned training: who must take which course by when, and where each person stands.

An ``Assignment`` names a course, an audience (people, departments with their subtrees,
groups, and/or a rule on people's details) and a due date rule. Each person it reaches gets
an ``Obligation`` for the course — one per person, course and cycle, however many
assignments reach them (the earliest due date wins). Obligations carry their status, kept
up to date by the one write path's hooks and by the worker when a date passes; they are
never computed by scanning on a page view. ``AssignmentEvent`` is the audit trail.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.accounts.models import Department, Group, User
from lectio.catalog.models import Course, LearningPath
from lectio.learning.models import Enrollment


class Assignment(models.Model):
    class Due(models.TextChoices):
        NONE = "none", _("No due date")
        FIXED = "fixed", _("On a date")
        AFTER_ASSIGNMENT = "after_assignment", _("Days after being assigned")
        AFTER_HIRE = "after_hire", _("Days after the hire date")

    # A course, or a learning path: a path's required courses each become an obligation.
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    path = models.ForeignKey(
        LearningPath, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    people = models.ManyToManyField(User, blank=True, related_name="+")
    departments = models.ManyToManyField(Department, blank=True, related_name="+")
    groups = models.ManyToManyField(Group, blank=True, related_name="+")
    # A rule on people's details; every given criterion must hold. Empty: no rule.
    rule: Any = models.JSONField(default=dict, blank=True)
    due = models.CharField(_("due"), max_length=20, choices=Due.choices, default=Due.NONE)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    due_days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    # A manager assigns within their own team only: the audience is cut to whom they see.
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(course__isnull=False, path__isnull=True)
                | models.Q(course__isnull=True, path__isnull=False),
                name="assignment_course_or_path",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course or self.path} ({self.pk})"

    @property
    def title(self) -> str:
        target = self.course or self.path
        return target.title if target else ""

    @property
    def is_dynamic(self) -> bool:
        """Whether people who join or move later can fall into the audience."""
        return bool(self.rule) or self.departments.exists() or self.groups.exists()


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def current(self) -> "ObligationQuerySet":
        return self.filter(superseded_at__isnull=True)


class Obligation(models.Model):
    """One person's duty to complete one course in one cycle."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        OVERDUE = "overdue", _("Overdue")
        EXPIRED = "expired", _("Expired")
        EXEMPT = "exempt", _("Exempt")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="obligations")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="obligations")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="+")
    cycle = models.PositiveSmallIntegerField(default=1)
    assignments = models.ManyToManyField(Assignment, related_name="obligations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    mandatory = models.BooleanField(default=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    exempt_reason = models.TextField(blank=True)
    # Set when the next cycle starts: the record of this one stays as it was.
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "cycle"], name="uniq_obligation_cycle"
            ),
            # One current obligation per person and course: assignments merge into it.
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(superseded_at__isnull=True),
                name="uniq_current_obligation",
            ),
        ]
        indexes = [
            # The worker's sweeps: obligations whose due date or expiry has passed.
            models.Index(fields=["status", "due_at"], name="obligation_status_due"),
            models.Index(fields=["status", "expires_at"], name="obligation_status_expiry"),
            models.Index(fields=["course", "status"], name="obligation_course_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.course} #{self.cycle}: {self.status}"

    def is_open(self) -> bool:
        return self.status in {self.Status.NOT_STARTED, self.Status.IN_PROGRESS}

    def is_pending(self) -> bool:
        """Still to be done: open or overdue."""
        return self.is_open() or self.status == self.Status.OVERDUE

    def status_at(self, moment: datetime | None = None) -> str:
        """The status as it stands at ``moment`` (the stored one, unless a date has passed
        since the worker last looked)."""
        moment = moment or timezone.now()
        if self.status == self.Status.COMPLETED and self.expires_at and self.expires_at <= moment:
            return self.Status.EXPIRED
        if self.is_open() and self.due_at and self.due_at < moment:
            return self.Status.OVERDUE
        return self.status


class AssignmentEvent(models.Model):
    """The audit trail: who assigned, exempted, changed a due date, and when."""

    class Action(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        ENDED = "ended", _("Assignment ended")
        EXEMPTED = "exempted", _("Exempted")
        EXEMPTION_LIFTED = "exemption_lifted", _("Exemption lifted")
        DUE_CHANGED = "due_changed", _("Due date changed")
        COMPLETED = "completed", _("Completed")
        RENEWED = "renewed", _("Renewal assigned")
        REMINDED = "reminded", _("Reminder sent")

    action = models.CharField(max_length=20, choices=Action.choices)
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    details: Any = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at}"


class CalendarFeed(models.Model):
    """A person's secret address for a calendar of their due dates (ICS)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user}"
