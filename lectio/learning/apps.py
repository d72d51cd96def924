from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "lectio.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from lectio.assets import permissions as asset_permissions
        from lectio.catalog import hooks as catalog_hooks
        from lectio.learning import hooks, paths
        from lectio.learning.permissions import enrolled_with_access

        asset_permissions.register(enrolled_with_access)
        # A completed course moves the progress of the learning paths that contain it.
        hooks.on_course_completed(paths.course_completed)
        # A republished path enrols its followers in newly required courses.
        catalog_hooks.on_path_published(paths.path_published)
