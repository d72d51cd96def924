"""Who may assign training and act on obligations. Default deny."""

from typing import Any

from lectio.accounts.models import User
from lectio.accounts.permissions import can_view_person
from lectio.assignments.models import Assignment, Obligation


def can_assign(user: Any) -> bool:
    """Administrators assign to anyone; managers to the people they manage."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_administrator or user.is_manager)
    )


def can_see_assignment(user: Any, assignment: Assignment) -> bool:
    return can_assign(user) and (user.is_administrator or assignment.created_by_id == user.pk)


def can_manage_obligation(user: Any, obligation: Obligation) -> bool:
    """Exempt, change the due date: administrators, and managers for their own team."""
    if not can_assign(user) or (obligation.user_id == user.pk and not user.is_administrator):
        return False
    return bool(user.is_administrator) or can_view_person(user, obligation.user)


def can_see_person(user: Any, person: User) -> bool:
    return can_assign(user) and can_view_person(user, person)
