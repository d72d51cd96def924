from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "lectio.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from lectio.certificates import services
        from lectio.learning import hooks

        hooks.on_course_completed(services.issue_on_completion)
        hooks.provide_certificate_links(services.certificate_links)
        hooks.on_path_completed(services.issue_on_path_completion)
        hooks.provide_path_certificate_links(services.path_certificate_links)
