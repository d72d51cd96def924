"""Single sign-on: the configured identity providers and just-in-time provisioning.

Providers come from ``settings.LECTIO_SSO_PROVIDERS`` (a JSON list, see the README). The
protocols (``sso_oidc.py``, ``sso_saml.py``) turn a provider's answer into a subject and
a flat dict of claims; ``provision`` turns those into a person: found by
(provider, subject), else by e-mail address, else created; the mapped fields are
updated on every sign-in through the services, so ``people_changed`` fires as for any
other change.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts import services
from lectio.accounts.models import Department, SsoIdentity, User, time_zone_names

logger = logging.getLogger(__name__)

PROTOCOLS = ("oidc", "saml")

# Where each person field is read from, by protocol, unless a provider maps it itself.
DEFAULT_MAPPING = {
    "oidc": {
        "email": "email",
        "full_name": "name",
        "department": "department",
        "language": "locale",
        "time_zone": "zoneinfo",
        "job_title": "job_title",
        "employee_id": "employee_id",
    },
    "saml": {
        "email": "email",
        "full_name": "displayName",
        "department": "department",
        "language": "preferredLanguage",
        "time_zone": "timeZone",
        "job_title": "title",
        "employee_id": "employeeNumber",
    },
}
MAPPED_FIELDS = ("full_name", "department", "language", "time_zone", "job_title", "employee_id")


class SsoError(Exception):
    """Sign-in through a provider failed; the message is shown to the person."""


@dataclass(frozen=True)
class Provider:
    key: str
    protocol: str
    label: str
    mapping: dict[str, str]
    config: dict[str, Any] = field(hash=False)
    create_people: bool = True
    link_by_email: bool = True


def _provider(raw: dict[str, Any]) -> Provider:
    key = str(raw.get("key", ""))
    protocol = str(raw.get("protocol", "")).lower()
    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"SSO provider key {key!r} must be letters, digits, - or _")
    if protocol not in PROTOCOLS:
        raise ValueError(f"SSO provider {key!r}: protocol must be one of {PROTOCOLS}")
    mapping = {**DEFAULT_MAPPING[protocol], **raw.get("mapping", {})}
    return Provider(
        key=key,
        protocol=protocol,
        label=str(raw.get("label") or key),
        mapping=mapping,
        config=raw,
        create_people=bool(raw.get("create_people", True)),
        link_by_email=bool(raw.get("link_by_email", True)),
    )


def configuration_problems() -> list[str]:
    """What is wrong with ``LECTIO_SSO_PROVIDERS`` (a system check reports it at start)."""
    problems = []
    seen: set[str] = set()
    raw_list = settings.LECTIO_SSO_PROVIDERS
    if not isinstance(raw_list, list):
        return ["LECTIO_SSO_PROVIDERS must be a JSON list of providers"]
    for raw in raw_list:
        if not isinstance(raw, dict):
            problems.append(f"SSO provider {raw!r} must be a JSON object")
            continue
        try:
            provider = _provider(raw)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if provider.key in seen:
            problems.append(f"SSO provider key {provider.key!r} is used twice")
        seen.add(provider.key)
        if provider.protocol == "oidc":
            needed = ["client_id", "client_secret"]
            if not raw.get("issuer") and not raw.get("discovery_url"):
                needed.append("issuer")
        else:
            needed = []
            if not any(
                raw.get(k) for k in ("idp_metadata_url", "idp_metadata_file", "idp_metadata")
            ):
                needed.append("idp_metadata_url")
        problems += [
            f"SSO provider {provider.key!r} needs {name!r}" for name in needed if not raw.get(name)
        ]
    return problems


def providers() -> list[Provider]:
    """Every configured provider, in the order given (the sign-in page's buttons).

    A malformed entry is left out (the system check names it), so password sign-in and
    the other providers keep working."""
    found = []
    for raw in settings.LECTIO_SSO_PROVIDERS:
        try:
            found.append(_provider(raw))
        except (ValueError, TypeError, AttributeError):
            logger.error("SSO provider %r is misconfigured and left out", raw)
    return found


def get_provider(key: str) -> Provider | None:
    for provider in providers():
        if provider.key == key:
            return provider
    return None


def is_sso_only(email: str) -> bool:
    """Addresses of an SSO-only domain never sign in (or reset) with a password."""
    domain = email.strip().lower().rpartition("@")[2]
    return bool(domain) and domain in settings.LECTIO_SSO_ONLY_DOMAINS


# ---- Mapping claims to fields -----------------------------------------------------------


def _first(value: object) -> str:
    """A claim's value as text: SAML attributes are lists, OIDC claims mostly strings."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return "" if value is None else str(value).strip()


def find_department(value: str) -> Department | None:
    """A department by its code, or by a path of codes or names from the root
    (``HQ/TR/TR-IST`` or ``Meridian / Türkiye / Istanbul Operations``)."""
    if not value:
        return None
    by_code = Department.objects.filter(code__iexact=value).first()
    if by_code is not None or "/" not in value:
        return by_code
    parts = [part.strip() for part in value.strip("/").split("/") if part.strip()]
    parent: Department | None = None
    for part in parts:
        found = Department.objects.filter(Q(code__iexact=part) | Q(name__iexact=part)).filter(
            parent=parent
        )
        parent = found.first()
        if parent is None:
            return None
    return parent


def _language(value: str) -> str | None:
    """``tr``, ``tr-TR`` or ``tr_TR`` → ``tr`` when it is a supported language."""
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else None


def mapped_fields(provider: Provider, claims: dict[str, Any]) -> dict[str, object]:
    """The person fields the provider asserts; unusable values are left out (logged)."""
    fields: dict[str, object] = {}
    for name in MAPPED_FIELDS:
        source = provider.mapping.get(name)
        if not source or source not in claims:
            continue
        value = _first(claims[source])
        if not value:
            continue
        if name == "department":
            department = find_department(value)
            if department is None:
                logger.warning("SSO %s: no department matches %r", provider.key, value)
                continue
            fields[name] = department
        elif name == "language":
            language = _language(value)
            if language is None:
                continue
            fields[name] = language
        elif name == "time_zone":
            if value not in time_zone_names():
                logger.warning("SSO %s: unknown time zone %r", provider.key, value)
                continue
            fields[name] = value
        else:
            fields[name] = value[:200]
    return fields


# ---- Provisioning -----------------------------------------------------------------------


@transaction.atomic
def provision(provider: Provider, subject: str, claims: dict[str, Any]) -> User:
    """The person signing in: found, linked or created, with the mapped fields updated.

    Raises SsoError (nothing written) when the answer lacks what is needed, when the
    person is deactivated or when the provider may not create people."""
    if not subject:
        raise SsoError(_("The identity provider did not say who you are."))
    email = services.normalize_email(_first(claims.get(provider.mapping["email"], "")))
    identity = (
        SsoIdentity.objects.select_related("user").filter(provider=provider.key, subject=subject)
    ).first()
    user = identity.user if identity else None
    if user is None:
        try:
            validate_email(email)
        except ValidationError:
            raise SsoError(
                _("The identity provider did not give a valid e-mail address.")
            ) from None
        if provider.link_by_email:
            user = User.objects.filter(email__iexact=email).first()
        if user is not None and claims.get("email_verified") is False:
            # An address the provider has not verified must not open someone's account.
            raise SsoError(
                _("%(provider)s has not verified your e-mail address, so it cannot be linked.")
                % {"provider": provider.label}
            )
    fields = mapped_fields(provider, claims)
    if user is not None and not user.is_active:
        raise SsoError(_("Your account is deactivated. Ask an administrator for help."))
    if user is None:
        if not provider.create_people:
            raise SsoError(_("You have no account here yet. Ask an administrator for one."))
        fields.setdefault("full_name", email.split("@")[0])
        try:
            user = services.create_person(email=email, **fields)  # type: ignore[arg-type]
        except ValidationError as exc:
            raise SsoError(
                _("Your account could not be created: %(error)s")
                % {"error": "; ".join(exc.messages)}
            ) from None
    else:
        if (
            email
            and email != user.email
            and not User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        ):
            fields["email"] = email
        try:
            # mypy cannot tell that these keys never include "roles" (hence the ignore).
            services.update_person(user, **fields)  # type: ignore[arg-type]
        except ValidationError as exc:
            logger.warning("SSO %s: fields of %s not updated: %s", provider.key, user.pk, exc)
    now = timezone.now()
    if identity is None:
        SsoIdentity.objects.create(
            user=user, provider=provider.key, subject=subject, last_sign_in_at=now
        )
    else:
        identity.last_sign_in_at = now
        identity.save(update_fields=["last_sign_in_at"])
    return user
