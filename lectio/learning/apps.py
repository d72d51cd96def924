from typing import Any

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "lectio.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from lectio.assets import permissions as asset_permissions

        asset_permissions.register(enrolled_with_access)


def enrolled_with_access(user: Any, course_id: int) -> bool:
    """Learners see a course's media while their access window is open."""
    from lectio.learning.models import Enrollment

    return (
        Enrollment.objects.filter(user=user, course_id=course_id).open_at(timezone.now()).exists()
    )
