"""Who may author, see and enrol in courses. Default deny."""

from typing import Any

from django.db.models import QuerySet

from lectio.accounts.permissions import is_administrator, is_instructor
from lectio.catalog.models import Course, LearningPath


def can_author(user: Any) -> bool:
    """Open the authoring area: instructors and administrators."""
    return is_instructor(user)


def courses_editable_by(user: Any) -> QuerySet[Course]:
    if is_administrator(user):
        return Course.objects.all()
    if is_instructor(user):
        return Course.objects.filter(instructors=user)
    return Course.objects.none()


def can_edit_course(user: Any, course: Course) -> bool:
    return courses_editable_by(user).filter(pk=course.pk).exists()


def catalogue_for(user: Any) -> QuerySet[Course]:
    """The courses a person may browse and self-enrol in."""
    if not (user.is_authenticated and user.is_active):
        return Course.objects.none()
    return Course.objects.live().filter(live_version__visibility=Course.Visibility.OPEN)


def paths_editable_by(user: Any) -> QuerySet[LearningPath]:
    """Administrators edit every path; instructors the paths they created."""
    if is_administrator(user):
        return LearningPath.objects.all()
    if is_instructor(user):
        return LearningPath.objects.filter(created_by=user)
    return LearningPath.objects.none()


def path_catalogue_for(user: Any) -> QuerySet[LearningPath]:
    """The paths a person may browse and enrol in."""
    if not (user.is_authenticated and user.is_active):
        return LearningPath.objects.none()
    return LearningPath.objects.live().filter(live_version__visibility=Course.Visibility.OPEN)
