"""Certificates of completion: one per completion of a course or of a learning path, never
edited in place except to be revoked; a reissue is a new row that replaces the old one."""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.catalog.models import Course, LearningPath
from lectio.learning.models import Enrollment, PathEnrollment

# Crockford's base32: no I, L, O or U, so a code read aloud or typed is unambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str:
    """A code as someone typed it (any case, with dashes or spaces, O for 0) in the form
    it is stored; "" when it cannot be a code."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return ""
    return code


class Status(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def with_status(self, status: str, moment: datetime) -> "CertificateQuerySet":
        if status == Status.REVOKED:
            return self.filter(revoked_at__isnull=False)
        current = self.filter(revoked_at__isnull=True)
        if status == Status.EXPIRED:
            return current.filter(expires_at__lte=moment)
        return current.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=moment))


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    # What was completed: a course (enrolment) or a learning path (path enrolment).
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    path = models.ForeignKey(
        LearningPath, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    path_enrollment = models.ForeignKey(
        PathEnrollment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, default=new_code)
    # What the certificate says, as it was when it was issued.
    full_name = models.CharField(_("name"), max_length=200)
    # The course's or the path's title.
    course_title = models.CharField(_("title"), max_length=200)
    completed_at = models.DateTimeField(_("completed"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    # Who issued it: nobody for the automatic one on completion, an administrator for a
    # reissue.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        constraints = [
            # One completion issues one certificate (the hook may run twice); a reissue is
            # the only other row for the same completion, and it names the one it replaces.
            models.UniqueConstraint(
                fields=["enrollment", "completed_at"],
                condition=models.Q(replaces__isnull=True),
                name="uniq_certificate_completion",
            ),
            models.UniqueConstraint(
                fields=["path_enrollment", "completed_at"],
                condition=models.Q(replaces__isnull=True),
                name="uniq_certificate_path_completion",
            ),
            # Either a course's completion or a path's, never both nor neither.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        enrollment__isnull=False,
                        course__isnull=False,
                        path_enrollment__isnull=True,
                        path__isnull=True,
                    )
                    | models.Q(
                        enrollment__isnull=True,
                        course__isnull=True,
                        path_enrollment__isnull=False,
                        path__isnull=False,
                    )
                ),
                name="certificate_course_or_path",
            ),
            # A certificate is replaced at most once.
            models.UniqueConstraint(
                fields=["replaces"],
                condition=models.Q(replaces__isnull=False),
                name="uniq_certificate_replaces",
            ),
        ]
        indexes = [
            # "My certificates": a person's certificates, newest first.
            models.Index(fields=["user", "-issued_at"], name="certificate_user_recent"),
            # The administrators' list, newest first.
            models.Index(fields=["-issued_at"], name="certificate_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.display_code}: {self.full_name}, {self.course_title}"

    @property
    def is_path(self) -> bool:
        """Whether this certifies the completion of a learning path (a programme)."""
        return self.path_enrollment_id is not None

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed: ``7K3M-Q9TX-2B4R``."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def status(self, moment: datetime | None = None) -> Status:
        if self.revoked_at is not None:
            return Status.REVOKED
        if self.expires_at is not None and self.expires_at <= (moment or timezone.now()):
            return Status.EXPIRED
        return Status.VALID
