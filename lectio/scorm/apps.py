from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScormConfig(AppConfig):
    name = "lectio.scorm"
    label = "scorm"
    verbose_name = _("SCORM packages")

    def ready(self) -> None:
        from lectio.catalog.kinds import package
        from lectio.scorm.services import package_facts

        # The package lesson's outline carries the package's structure; catalog cannot
        # import this app (it sits below it).
        package.provide_package_facts(package_facts)
