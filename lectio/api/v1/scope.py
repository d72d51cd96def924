"""What a token's person may see: the same querysets and rules as the pages."""

from typing import Any

from django.db.models import QuerySet

from lectio.accounts.models import Department, User, UserQuerySet
from lectio.accounts.permissions import can_manage_people, is_administrator, is_instructor
from lectio.catalog.models import Course, LearningPath
from lectio.catalog.permissions import (
    catalogue_for,
    courses_editable_by,
    path_catalogue_for,
    paths_editable_by,
)


def people(user: User) -> UserQuerySet:
    """``User.objects.visible_to``: everyone, a manager's subtree, or oneself."""
    found: UserQuerySet = User.objects.visible_to(user)
    return found


def rows_of_people(queryset: QuerySet[Any], user: User, field: str = "user") -> QuerySet[Any]:
    """Rows (enrolments, certificates, …) of the people ``user`` may see."""
    if is_administrator(user):
        return queryset
    return queryset.filter(**{f"{field}__in": people(user).values("pk")})


def departments(user: User) -> QuerySet[Department]:
    """Everything for administrators, their subtrees for managers, else nothing."""
    if can_manage_people(user):
        return Department.objects.all()
    if user.is_manager:
        paths = list(Department.objects.filter(manager=user).values_list("path", flat=True))
        found = Department.objects.none()
        for path in paths:
            found = found | Department.objects.filter(path__startswith=path)
        return found
    return Department.objects.none()


def courses(user: User) -> QuerySet[Course]:
    """Administrators: every course. Others: live courses they may browse or are enrolled
    in (managers: every live course, as they assign them); instructors also their own."""
    if is_administrator(user):
        return Course.objects.all()
    live = Course.objects.live()
    found = live if user.is_manager else catalogue_for(user) | live.filter(enrollments__user=user)
    if is_instructor(user):
        found = found | courses_editable_by(user)
    return found.distinct()


def paths(user: User) -> QuerySet[LearningPath]:
    if is_administrator(user):
        return LearningPath.objects.all()
    live = LearningPath.objects.live()
    found = (
        live if user.is_manager else path_catalogue_for(user) | live.filter(enrollments__user=user)
    )
    if is_instructor(user):
        found = found | paths_editable_by(user)
    return found.distinct()
