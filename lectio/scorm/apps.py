from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ScormConfig(AppConfig):
    name = "lectio.scorm"
    label = "scorm"
    verbose_name = _("SCORM packages")

    def ready(self) -> None:
        from lectio.catalog.kinds import package
        from lectio.scorm import cmi5_services
        from lectio.scorm.services import package_facts

        # The package lesson's outline carries the package's structure; catalog cannot
        # import this app (it sits below it).
        package.provide_package_facts(package_facts)
        checks.register(check_content_origin, checks.Tags.security)
        # cmi5: the LRS shows this app the statements AUs send (xapi cannot import scorm).
        cmi5_services.register()


def check_content_origin(**kwargs: Any) -> list[checks.CheckMessage]:
    """A content origin on the site's own host name would isolate nothing."""
    from urllib.parse import urlsplit

    from django.conf import settings

    origin = settings.LECTIO_CONTENT_ORIGIN
    if origin and urlsplit(origin).hostname == urlsplit(settings.SITE_URL).hostname:
        return [
            checks.Error(
                "LECTIO_CONTENT_ORIGIN must use another host name than SITE_URL "
                "(cookies are shared between ports); SCORM packages will not launch.",
                id="scorm.E001",
            )
        ]
    return []
