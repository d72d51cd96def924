"""Which lessons of a course are open to a learner now, and why the others are not.

A pure function of the published outline, the enrolment, the lessons already completed
and the moment: the course page shows it, and the player (with progress) will enforce it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

from lectio.learning.models import Enrollment


@dataclass(frozen=True)
class LessonState:
    open: bool
    reason: str = ""  # why it is locked, for the learner
    opens_at: datetime | None = None


def lesson_states(
    outline: dict[str, Any],
    enrollment: Enrollment,
    completed: set[int],
    now: datetime,
    zone: ZoneInfo,
) -> dict[int, LessonState]:
    """Every lesson of the outline, by id: open, or locked with the reason."""
    lessons = [lesson for module in outline["modules"] for lesson in module["lessons"]]
    if enrollment.access_starts_at and now < enrollment.access_starts_at:
        reason = _("Your access starts on %(date)s.") % {
            "date": _local(enrollment.access_starts_at, zone, "DATE_FORMAT")
        }
        return {
            les["id"]: LessonState(False, reason, enrollment.access_starts_at) for les in lessons
        }
    if enrollment.access_ends_at and now >= enrollment.access_ends_at:
        reason = _("Your access ended on %(date)s.") % {
            "date": _local(enrollment.access_ends_at, zone, "DATE_FORMAT")
        }
        return {les["id"]: LessonState(False, reason) for les in lessons}
    states = {}
    waiting_for = None  # the first required lesson not yet completed (linear courses)
    for lesson in lessons:
        opens_at = _opens_at(lesson, enrollment, zone)
        if opens_at and now < opens_at:
            states[lesson["id"]] = LessonState(
                False,
                _("Opens on %(date)s.") % {"date": _local(opens_at, zone, "DATETIME_FORMAT")},
                opens_at,
            )
        elif outline["course"]["sequential"] and waiting_for is not None:
            states[lesson["id"]] = LessonState(
                False, _("Complete “%(title)s” first.") % {"title": waiting_for["title"]}
            )
        else:
            states[lesson["id"]] = LessonState(True)
        if lesson["required"] and lesson["id"] not in completed and waiting_for is None:
            waiting_for = lesson
    return states


def _local(moment: datetime, zone: ZoneInfo, fmt: str) -> str:
    """A moment as the learner reads it: their time zone, their language's format."""
    return formats.date_format(moment.astimezone(zone), fmt)


def _opens_at(lesson: dict[str, Any], enrollment: Enrollment, zone: ZoneInfo) -> datetime | None:
    """The later of "N days after enrolment" and "on this date" (its start, locally)."""
    moments = []
    if lesson.get("opens_after_days"):
        moments.append(enrollment.enrolled_at + timedelta(days=lesson["opens_after_days"]))
    if lesson.get("opens_on"):
        moments.append(datetime.combine(date.fromisoformat(lesson["opens_on"]), time(), zone))
    return max(moments) if moments else None
