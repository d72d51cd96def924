"""Every write to certificates: issue on completion, revoke, reissue. A certificate is
never edited in place except to be revoked, and each change says who, when and why."""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.certificates import hooks
from lectio.certificates.models import Certificate
from lectio.learning.models import Enrollment, PathEnrollment
from lectio.learning.services import add_months, outline_of

logger = logging.getLogger(__name__)


def issue(enrollment: Enrollment, *, at: datetime | None = None) -> Certificate | None:
    """The certificate of the enrolment's completion, issued the first time it is asked for
    (idempotent: the same completion always gives the same certificate); None when the
    enrolment is not completed."""
    completed_at = enrollment.completed_at
    if completed_at is None:
        return None
    existing = Certificate.objects.filter(
        enrollment=enrollment, completed_at=completed_at, replaces__isnull=True
    ).first()
    if existing is not None:
        return existing
    course, user = enrollment.course, enrollment.user
    title, months = course.title, course.valid_months
    if course.live_version is not None:
        published = outline_of(course.live_version)["course"]
        title, months = published["title"], published.get("valid_months")
    expires_at = add_months(completed_at, months, user.time_zone) if months else None
    # A second run at the same moment finds the first one's row (the unique constraint).
    certificate, _created = Certificate.objects.get_or_create(
        enrollment=enrollment,
        completed_at=completed_at,
        replaces=None,
        defaults={
            "user": user,
            "course": course,
            "full_name": user.full_name or user.email,
            "course_title": title,
            "expires_at": expires_at,
            "issued_at": at or timezone.now(),
        },
    )
    if _created:
        _announce(certificate)
    return certificate


def _announce(certificate: Certificate) -> None:
    certificate_id = certificate.pk
    transaction.on_commit(lambda: hooks.certificate_issued(certificate_id))


def issue_on_completion(enrollment_id: int) -> None:
    """The hook learning calls after a course's completion commits. The learner's progress
    is saved by then, so a failure here is logged rather than spoiling their response;
    ``issue`` may run again for the same completion at any time."""
    try:
        enrollment = (
            Enrollment.objects.select_related("user", "course__live_version")
            .filter(pk=enrollment_id)
            .first()
        )
        if enrollment is not None:
            issue(enrollment)
    except Exception:
        logger.exception("No certificate issued for enrolment %s", enrollment_id)


def issue_for_path(
    path_enrollment: PathEnrollment, *, at: datetime | None = None
) -> Certificate | None:
    """The certificate of a learning path's completion, as ``issue`` for a course
    (idempotent). A path's certificate does not expire: renewal belongs to its courses."""
    completed_at = path_enrollment.completed_at
    if completed_at is None:
        return None
    path, user = path_enrollment.path, path_enrollment.user
    title = path.live_version.title if path.live_version is not None else path.title
    certificate, _created = Certificate.objects.get_or_create(
        path_enrollment=path_enrollment,
        completed_at=completed_at,
        replaces=None,
        defaults={
            "user": user,
            "path": path,
            "full_name": user.full_name or user.email,
            "course_title": title,
            "expires_at": None,
            "issued_at": at or timezone.now(),
        },
    )
    if _created:
        _announce(certificate)
    return certificate


def issue_on_path_completion(path_enrollment_id: int) -> None:
    """The hook learning calls after a path's completion commits (see
    ``issue_on_completion``)."""
    try:
        path_enrollment = (
            PathEnrollment.objects.select_related("user", "path__live_version")
            .filter(pk=path_enrollment_id)
            .first()
        )
        if path_enrollment is not None:
            issue_for_path(path_enrollment)
    except Exception:
        logger.exception("No certificate issued for path enrolment %s", path_enrollment_id)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why."), code="reason")
    return reason


@transaction.atomic
def revoke(
    certificate: Certificate, *, by: User, reason: str, at: datetime | None = None
) -> Certificate:
    """Revoke a valid or expired certificate: the verification page says so from now on."""
    reason = _reason(reason)
    at = at or timezone.now()
    changed = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=at, revoked_by=by, revoke_reason=reason
    )
    if not changed:
        raise ValidationError(_("This certificate is already revoked."), code="revoked")
    certificate.refresh_from_db()
    return certificate


@transaction.atomic
def reissue(
    certificate: Certificate, *, by: User, reason: str, at: datetime | None = None
) -> Certificate:
    """A new certificate with a new code for the same completion, with the person's name
    as it is now (the usual reason: a corrected name); the old one is revoked with the
    reason (if it was not already) and names its replacement."""
    reason = _reason(reason)
    at = at or timezone.now()
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=certificate.pk)
    )
    if Certificate.objects.filter(replaces=old).exists():
        raise ValidationError(_("This certificate has already been reissued."), code="reissued")
    if old.revoked_at is None:
        Certificate.objects.filter(pk=old.pk).update(
            revoked_at=at, revoked_by=by, revoke_reason=reason
        )
    new = Certificate.objects.create(
        user=old.user,
        course_id=old.course_id,
        enrollment_id=old.enrollment_id,
        path_id=old.path_id,
        path_enrollment_id=old.path_enrollment_id,
        full_name=old.user.full_name or old.user.email,
        course_title=old.course_title,
        completed_at=old.completed_at,
        expires_at=old.expires_at,
        issued_at=at,
        issued_by=by,
        replaces=old,
    )
    certificate.refresh_from_db()
    _announce(new)
    return new


def certificate_links(user_id: int, enrollment_ids: list[int]) -> dict[int, str]:
    """For learning's pages: the newest certificate of each enrolment that is not revoked,
    as the address of its PDF (one query; none for no enrolments)."""
    if not enrollment_ids:
        return {}
    rows = (
        Certificate.objects.filter(
            user_id=user_id, enrollment_id__in=enrollment_ids, revoked_at__isnull=True
        )
        .order_by("enrollment_id", "issued_at", "pk")
        .values_list("enrollment_id", "code")
    )
    return {enrollment_id: reverse("certificates:pdf", args=[code]) for enrollment_id, code in rows}


def path_certificate_links(user_id: int, path_enrollment_ids: list[int]) -> dict[int, str]:
    """The same for completed learning paths (one query; none for no enrolments)."""
    if not path_enrollment_ids:
        return {}
    rows = (
        Certificate.objects.filter(
            user_id=user_id, path_enrollment_id__in=path_enrollment_ids, revoked_at__isnull=True
        )
        .order_by("path_enrollment_id", "issued_at", "pk")
        .values_list("path_enrollment_id", "code")
    )
    return {
        path_enrollment_id: reverse("certificates:pdf", args=[code])
        for path_enrollment_id, code in rows
        if path_enrollment_id is not None
    }
