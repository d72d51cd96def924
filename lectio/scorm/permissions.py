"""Who may do what with packages. Default deny."""

from typing import Any

from lectio.catalog.models import Lesson
from lectio.catalog.permissions import can_edit_course


def can_manage_package(user: Any, lesson: Lesson) -> bool:
    """Upload or replace a lesson's package: the course's authors and administrators."""
    return bool(user.is_authenticated) and can_edit_course(user, lesson.course)


def can_launch(user: Any, enrollment: Any) -> bool:
    """Play a package lesson: only the enrolled person themself (the lesson's own rules,
    access window, locks, are checked by learning.services)."""
    return bool(user.is_authenticated) and enrollment is not None and enrollment.user_id == user.pk


def can_preview(user: Any, lesson: Lesson) -> bool:
    """Preview a cmi5 AU of the lesson's current package in launch mode Browse (nothing
    recorded as progress): those who may manage the package, nobody else. Learners get
    Review, not Browse: they relaunch their own satisfied AUs through ``can_launch``."""
    return can_manage_package(user, lesson)
