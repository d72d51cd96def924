"""Who may do what with question banks. Default deny.

The bank is shared by the organisation's instructors and administrators; learners,
managers and anyone else get 403 on every page of this app."""

from typing import Any

from lectio.accounts.permissions import is_instructor, requires

__all__ = ["can_manage_questions", "requires"]


def can_manage_questions(user: Any) -> bool:
    """Browse the bank, import and export questions."""
    return is_instructor(user)
