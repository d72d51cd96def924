"""Who may study what. Default deny: a course's content is for the people enrolled in it,
while their access window is open (authors and administrators are covered by catalog)."""

from typing import Any

from django.utils import timezone

from lectio.learning.models import Enrollment


def enrolled_with_access(user: Any, course_id: int) -> bool:
    """The rule media delivery asks (registered with assets.permissions at start-up)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        Enrollment.objects.filter(user=user, course_id=course_id).open_at(timezone.now()).exists()
    )
