"""Uploaded media: the original file, what processing made of it, and resumable uploads.

Files live in Django's default storage (the data folder, or S3-compatible object storage)
under ``assets/<key>/``; nothing there is public — delivery goes through ``views.deliver``.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.catalog.models import Course, Lesson


class Asset(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    original = models.CharField(max_length=500, help_text="Storage name of the original file.")
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Where the processed files of the current good run are (assets/<key>/r<attempt>/).
    output = models.CharField(max_length=500, blank=True)
    duration = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    details: Any = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The sweeper: jobs stuck in processing after a worker died.
            models.Index(fields=["status", "started_at"], name="asset_status_started"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def folder(self) -> str:
        return f"assets/{self.key}"


class Caption(models.Model):
    """Subtitles of a video in one language (WebVTT, stored beside the asset)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "language"], name="uniq_caption_language")
        ]

    def __str__(self) -> str:
        return f"{self.asset} ({self.language})"


class Upload(models.Model):
    """A file arriving in chunks. The bytes gather in a local part file (never in memory)
    until the last chunk; then the file is checked and becomes an Asset."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    # The lesson the file is for: it gets the asset once the file checks out.
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # For a lesson's variant in another language; empty for the lesson itself.
    language = models.CharField(max_length=8, blank=True)
    kind = models.CharField(max_length=16, choices=Asset.Kind.choices)
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    received = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    asset = models.OneToOneField(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.file_name
