"""Who may fetch a course's media. Default deny.

Authors and administrators of the course always may. Learners may when an app that knows
about enrolments says so: `learning` registers that rule at start-up (``register``), so
this app never imports it.
"""

from collections.abc import Callable
from typing import Any

from lectio.assets.models import Asset
from lectio.catalog.permissions import can_edit_course

LearnerRule = Callable[[Any, int], bool]
_learner_rules: list[LearnerRule] = []


def register(rule: LearnerRule) -> None:
    """Add a rule ``(user, course_id) -> bool`` that lets learners see a course's media."""
    if rule not in _learner_rules:
        _learner_rules.append(rule)


def learner_rules() -> list[LearnerRule]:
    return list(_learner_rules)


def can_manage_asset(user: Any, asset: Asset) -> bool:
    return can_edit_course(user, asset.course)


def can_view_asset(user: Any, asset: Asset) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if can_manage_asset(user, asset):
        return True
    return asset.status == Asset.Status.READY and any(
        rule(user, asset.course_id) for rule in _learner_rules
    )
