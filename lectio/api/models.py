"""API tokens, idempotency records, and webhooks (endpoints, deliveries, attempts)."""

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do, per area: the token's person's own rights, narrowed."""

    PEOPLE_READ = "people:read", _("Read people, departments and groups")
    PEOPLE_WRITE = "people:write", _("Create and update people and departments in bulk")
    COURSES_READ = "courses:read", _("Read courses and learning paths")
    ENROLLMENTS_READ = "enrollments:read", _("Read enrolments, progress and completions")
    ENROLLMENTS_WRITE = "enrollments:write", _("Enrol people, change access, withdraw")
    ASSIGNMENTS_READ = "assignments:read", _("Read assignments and their status per person")
    ASSIGNMENTS_WRITE = "assignments:write", _("Assign training, exempt people")
    CERTIFICATES_READ = "certificates:read", _("Read certificates")
    RESULTS_READ = "results:read", _("Read quiz results")
    SCIM = "scim", _("Provision people and groups with SCIM 2.0 (administrators)")


class ApiToken(models.Model):
    """A bearer token acting as ``user`` with at most ``scopes``. Only the SHA-256 of the
    secret is stored; ``prefix`` (the start of the token) identifies it in lists."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        SERVICE = "service", _("Service account")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the whole token
    scopes: Any = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # "My tokens": a person's tokens, newest first.
            models.Index(fields=["user", "-created_at"], name="apitoken_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, moment: Any = None) -> bool:
        moment = moment or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > moment


class IdempotencyRecord(models.Model):
    """The response to a create sent with an ``Idempotency-Key``: the same key with the same
    request gets the same response again; with another request, an error."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body: Any = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="uniq_idempotency_key")
        ]
        indexes = [
            # The hourly prune of records past their lifetime.
            models.Index(fields=["created_at"], name="idempotency_created"),
        ]

    def __str__(self) -> str:
        return self.key


class Event(models.TextChoices):
    ENROLLMENT_CREATED = "enrollment.created", _("A person is enrolled in a course")
    LESSON_COMPLETED = "lesson.completed", _("A lesson is completed")
    COURSE_COMPLETED = "course.completed", _("A course is completed")
    ASSIGNMENT_OVERDUE = "assignment.overdue", _("Assigned training becomes overdue")
    CERTIFICATE_ISSUED = "certificate.issued", _("A certificate is issued")
    USER_CREATED = "user.created", _("A person is added")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An administrator's subscription of a URL to events. Payloads are signed with
    ``secret``; too many failures in a row disable it."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events: Any = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, delivered by the worker with retries and back-off."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # The event's id: a redelivery keeps it, so receivers can tell a repeat.
    event_id = models.UUIDField(default=uuid.uuid4)
    payload: Any = models.JSONField()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The worker's query: pending and due; and the sweep of stale claims.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            # An endpoint's delivery log, newest first.
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """The log of a delivery: each attempt's response code (or error) and time taken."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_body = models.CharField(_("response body"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"
