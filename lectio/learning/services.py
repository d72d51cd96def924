"""Every write to a learner's enrolments and progress: the one write path."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lectio.accounts.models import User
from lectio.catalog.models import Course
from lectio.learning.models import Enrollment


def access_window(course: Course, enrolled_at: datetime) -> tuple[datetime | None, datetime | None]:
    """The access window a new enrolment gets from the course's published settings."""
    assert course.live_version is not None
    info = course.live_version.outline["course"]
    if info["access"] == Course.Access.RELATIVE:
        return enrolled_at, enrolled_at + timedelta(days=info["access_days"])
    if info["access"] == Course.Access.FIXED:
        starts = parse_datetime(info["access_starts_at"]) if info["access_starts_at"] else None
        ends = parse_datetime(info["access_ends_at"]) if info["access_ends_at"] else None
        return starts, ends
    return enrolled_at, None


def self_enroll(user: User, course: Course, *, at: datetime | None = None) -> Enrollment:
    """A learner enrols from the catalogue: only in live, open courses. Idempotent."""
    live = course.live_version
    if not course.is_live or live is None or live.visibility != Course.Visibility.OPEN:
        raise ValidationError(_("This course is not open for enrolment."), code="closed")
    missing = missing_prerequisites(user, course)
    if missing:
        raise ValidationError(
            _("Complete these courses first: %(titles)s.")
            % {
                "titles": ", ".join(
                    c.live_version.title if c.live_version else c.title for c in missing
                )
            },
            code="prerequisites",
        )
    return enroll(user, course, source=Enrollment.Source.SELF, at=at)


def missing_prerequisites(user: User, course: Course) -> list[Course]:
    """The published prerequisites of ``course`` that ``user`` has not completed."""
    assert course.live_version is not None
    required = course.live_version.outline["course"].get("prerequisites", [])
    if not required:
        return []
    done = set(
        Enrollment.objects.filter(
            user=user, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return list(Course.objects.filter(pk__in=set(required) - done).select_related("live_version"))


def enroll(user: User, course: Course, *, source: str, at: datetime | None = None) -> Enrollment:
    """Enrol ``user`` (or return their existing enrolment, unchanged)."""
    at = at or timezone.now()
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    starts, ends = access_window(course, at)
    try:
        with transaction.atomic():
            return Enrollment.objects.create(
                user=user,
                course=course,
                source=source,
                enrolled_at=at,
                access_starts_at=starts,
                access_ends_at=ends,
            )
    except IntegrityError:  # a second tab enrolled at the same moment
        return Enrollment.objects.get(user=user, course=course)
