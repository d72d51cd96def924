from django.apps import AppConfig


class LectioConfig(AppConfig):
    """The project itself: commands (serve, worker, demo), base templates, the scheduler."""

    name = "lectio"
    verbose_name = "Lectio"
