"""The e-mail outbox: one ``Message`` per idempotency key, its ``Delivery`` log, and each
person's ``Preference``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One e-mail to one person, sent at most once per ``key`` (see ``services.notify``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="outbox_messages",
    )
    # A short dotted name of what the message is about, e.g. "assignments.reminder".
    kind = models.CharField(_("kind"), max_length=100)
    # The caller's idempotency key, e.g. "reminder:obligation:42:7d": one message per key.
    key = models.CharField(_("key"), max_length=200, unique=True)
    # Rendered at send time from notifications/<template>_subject.txt, .txt and .html.
    template = models.CharField(max_length=200)
    # Only JSON: ids, strings, ISO datetimes (keys ending in "_at").
    context = models.JSONField(default=dict, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    # When the worker may next try (send_after at first, later the retry backoff).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When a worker claimed it (status "sending"); a claim older than 15 minutes is stale.
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("e-mail message")
        verbose_name_plural = _("e-mail messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The worker's hot query: status = pending AND next_attempt_at <= now; and the
            # sweep of stale claims (status = sending).
            models.Index(fields=["status", "next_attempt_at"], name="message_due"),
            # The outbox list, newest first.
            models.Index(fields=["-created_at"], name="message_recent"),
        ]

    def __str__(self) -> str:
        return self.key


class Delivery(models.Model):
    """The log of a message: every attempt (ok or the error), and notes such as a skip or an
    administrator's "retry now"."""

    class Note(models.TextChoices):
        RETRY = "retry", _("An administrator asked to retry now.")
        INACTIVE = "inactive", _("Skipped: the person is deactivated.")
        OPTED_OUT = "opted_out", _("Skipped: the person opted out of optional e-mails.")
        STALE = "stale", _("The worker stopped while sending; queued again.")
        GAVE_UP = "gave_up", _("Gave up after the last attempt.")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(_("at"), default=timezone.now)
    # True: handed to the mail server; False: the attempt failed; None: a note, no attempt.
    ok = models.BooleanField(null=True)
    error = models.TextField(_("error"), blank=True)
    note = models.CharField(_("note"), max_length=16, choices=Note.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.at:%Y-%m-%d %H:%M}"


class Preference(models.Model):
    """What a person wants by e-mail. Mandatory messages are sent whatever it says."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    optional_email = models.BooleanField(
        _("Send me optional e-mails"),
        default=True,
        help_text=_("Digests and reminders that are not about mandatory training."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)
