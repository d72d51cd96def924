from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "lectio.api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from lectio.api import events

        events.register()
