"""What happens after a certificate is issued, registered by the apps above (the API's
``certificate.issued`` webhook). Certificates calls them after commit with the new
certificate's primary key; it never imports those apps."""

from collections.abc import Callable

CertificateIssued = Callable[[int], None]
_certificate_issued: list[CertificateIssued] = []


def on_certificate_issued(hook: CertificateIssued) -> CertificateIssued:
    """Register ``hook(certificate_id)``, called after a new certificate commits (issued on
    completion or reissued)."""
    if hook not in _certificate_issued:
        _certificate_issued.append(hook)
    return hook


def certificate_issued(certificate_id: int) -> None:
    for hook in list(_certificate_issued):
        hook(certificate_id)
