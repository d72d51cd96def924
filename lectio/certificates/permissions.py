"""Who may see and change certificates. Default deny.

Anyone, signed in or not, may verify a certificate by its code (the verification page says
only what the certificate itself says)."""

from typing import Any

from lectio.accounts.permissions import can_view_person, is_administrator
from lectio.certificates.models import Certificate


def can_manage_certificates(user: Any) -> bool:
    """List every certificate, revoke and reissue: administrators."""
    return is_administrator(user)


def can_view_certificate(user: Any, certificate: Certificate) -> bool:
    """Download the PDF: its owner, administrators, and managers who can see the person."""
    return can_view_person(user, certificate.user)
