"""SAML 2.0 sign-in as a service provider, with pysaml2 (XML parsed with defusedxml,
signatures checked by the ``xmlsec1`` program).

The request goes out by HTTP-Redirect, the answer comes back by HTTP-POST to the
assertion consumer service. Only answers to a request this browser made are taken: the
request id travels in a signed cookie (SameSite=None behind HTTPS, since the IdP's POST
is cross-site and the session cookie is SameSite=Lax) and is used once (a cache mark),
so a replayed response, an unsolicited one or one meant for another browser is refused.
Assertions must be signed by the IdP's key from its metadata and addressed to this SP
(audience).

Metadata named by ``idp_metadata_url`` is fetched once and kept in Django's cache for
``metadata_cache_seconds`` (an hour by default), not fetched on every sign-in.
"""

import logging
from typing import Any

import requests
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.sigver import get_xmlsec_binary

from lectio.accounts.sso import Provider, SsoError

logger = logging.getLogger(__name__)

COOKIE = "lectio_saml"
COOKIE_SALT = "lectio.accounts.sso_saml"
COOKIE_SECONDS = 15 * 60
METADATA_SECONDS = 3600


def _remote_metadata(provider: Provider) -> str:
    """The IdP's metadata from its URL, through the cache."""
    url = str(provider.config["idp_metadata_url"])
    key = f"lectio-saml-metadata:{url}"
    text = cache.get(key)
    if text is None:
        response = requests.get(url, timeout=float(provider.config.get("timeout", 10)))
        response.raise_for_status()
        text = response.text
        seconds = int(provider.config.get("metadata_cache_seconds", METADATA_SECONDS))
        cache.set(key, text, seconds)
    return str(text)


def _config(provider: Provider, urls: dict[str, str], *, idp: bool = True) -> SPConfig:
    """pysaml2's configuration; without ``idp`` the IdP's metadata is left out (our own
    metadata does not need it, and must not fail when the IdP cannot be reached)."""
    raw = provider.config if idp else {**provider.config, "idp_metadata_url": None}
    metadata: dict[str, Any] = {}
    if raw.get("idp_metadata_file") and idp:
        metadata["local"] = [raw["idp_metadata_file"]]
    inline = []
    if raw.get("idp_metadata_url"):
        inline.append(_remote_metadata(provider))
    if raw.get("idp_metadata") and idp:
        inline.append(raw["idp_metadata"])
    if inline:
        metadata["inline"] = inline
    settings: dict[str, Any] = {
        "entityid": raw.get("sp_entity_id") or urls["metadata"],
        "xmlsec_binary": raw.get("xmlsec_binary") or get_xmlsec_binary(["/usr/bin"]),
        "metadata": metadata,
        "allow_unknown_attributes": True,
        "accepted_time_diff": int(raw.get("accepted_time_diff", 60)),
        "service": {
            "sp": {
                "name": provider.label,
                "endpoints": {"assertion_consumer_service": [(urls["acs"], BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": bool(raw.get("sp_key_file")),
                "want_assertions_signed": True,
                "want_response_signed": bool(raw.get("want_response_signed", False)),
            }
        },
    }
    if raw.get("sp_key_file") and raw.get("sp_cert_file"):
        settings["key_file"] = raw["sp_key_file"]
        settings["cert_file"] = raw["sp_cert_file"]
    config = SPConfig()
    config.load(settings)
    return config


def _client(provider: Provider, urls: dict[str, str]) -> Saml2Client:
    try:
        return Saml2Client(config=_config(provider, urls))
    except Exception as exc:  # unreadable metadata: tell the person, log why
        logger.exception("SAML provider %s is misconfigured", provider.key)
        raise SsoError(
            _("%(provider)s cannot be reached right now. Try again in a moment.")
            % {"provider": provider.label}
        ) from exc


def _idp_entity_id(provider: Provider, client: Saml2Client) -> str:
    if provider.config.get("idp_entity_id"):
        return str(provider.config["idp_entity_id"])
    idps = list(client.metadata.identity_providers())
    if len(idps) != 1:
        raise SsoError(_("Single sign-on is not set up correctly. Tell an administrator."))
    return str(idps[0])


def _pending(request: HttpRequest) -> dict[str, str]:
    """Request id → provider key of this browser's SAML requests not yet answered."""
    try:
        value = str(request.get_signed_cookie(COOKIE, salt=COOKIE_SALT, max_age=COOKIE_SECONDS))
    except (KeyError, ValueError):  # absent, tampered with or expired
        return {}
    pending = {}
    for item in value.split("&"):
        request_id, _sep, key = item.partition("=")
        if key:
            pending[request_id] = key
    return pending


def set_pending(response: HttpResponse, pending: dict[str, str]) -> None:
    if not pending:
        response.delete_cookie(COOKIE, path="/accounts/sso/")
        return
    secure = bool(django_settings.SESSION_COOKIE_SECURE)
    response.set_signed_cookie(
        COOKIE,
        "&".join(f"{rid}={key}" for rid, key in pending.items()),
        salt=COOKIE_SALT,
        max_age=COOKIE_SECONDS,
        path="/accounts/sso/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )


def start(request: HttpRequest, provider: Provider, urls: dict[str, str]) -> HttpResponse:
    client = _client(provider, urls)
    request_id, info = client.prepare_for_authenticate(
        entityid=_idp_entity_id(provider, client), binding=BINDING_HTTP_REDIRECT
    )
    pending = _pending(request)
    pending[str(request_id)] = provider.key
    response = HttpResponseRedirect(dict(info["headers"])["Location"])
    set_pending(response, dict(list(pending.items())[-5:]))  # a few tabs at most
    return response


def finish(
    request: HttpRequest, provider: Provider, urls: dict[str, str]
) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The NameID and attributes of a verified answer to one of this browser's requests,
    and the requests still pending (for the cookie)."""
    saml_response = request.POST.get("SAMLResponse", "")
    if not saml_response:
        raise SsoError(_("The identity provider's answer is missing."))
    pending = _pending(request)
    outstanding = {rid: urls["acs"] for rid, key in pending.items() if key == provider.key}
    refused = SsoError(
        _("%(provider)s's answer could not be verified. Please start again.")
        % {"provider": provider.label}
    )
    client = _client(provider, urls)
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
    except Exception as exc:  # pysaml2 raises many types; all mean "refused"
        logger.warning("SAML %s: response refused: %r", provider.key, exc)
        raise refused from exc
    if response is None or response.in_response_to not in outstanding:
        raise refused
    # Each request is answered once: a replay of this answer finds it used.
    if not cache.add(f"lectio-saml-used:{response.in_response_to}", 1, COOKIE_SECONDS * 2):
        logger.warning("SAML %s: replayed response refused", provider.key)
        raise refused
    pending.pop(response.in_response_to, None)
    subject = response.get_subject()
    attributes = {name: list(values) for name, values in (response.get_identity() or {}).items()}
    return str(subject.text or ""), attributes, pending


def metadata(provider: Provider, urls: dict[str, str]) -> str:
    """This service provider's metadata, for the IdP's administrator."""
    config = _config(provider, urls, idp=False)
    text: bytes = create_metadata_string(None, config=config, valid=None)
    return text.decode()
