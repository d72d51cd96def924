from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "lectio.assignments"
    label = "assignments"
    verbose_name = _("Assignments")

    def ready(self) -> None:
        from lectio.accounts import hooks as accounts_hooks
        from lectio.assignments import services
        from lectio.catalog import hooks as catalog_hooks
        from lectio.learning import hooks as learning_hooks

        learning_hooks.on_course_completed(services.course_completed)
        learning_hooks.on_course_started(services.course_started)
        accounts_hooks.on_people_changed(services.people_changed)
        catalog_hooks.on_major_revision(services.major_revision)
