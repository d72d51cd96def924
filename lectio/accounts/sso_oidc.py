"""OpenID Connect sign-in through Authlib's Django client (authorisation code + PKCE).

Authlib keeps the state, nonce and PKCE verifier in the session, checks the state on the
way back, and validates the ID token (signature against the provider's JWKS, issuer,
audience, expiry, nonce). The provider's discovery document gives every endpoint.
"""

import logging
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lectio.accounts.sso import Provider, SsoError

logger = logging.getLogger(__name__)


def _client(provider: Provider) -> Any:
    config = provider.config
    discovery = config.get("discovery_url") or (
        str(config.get("issuer", "")).rstrip("/") + "/.well-known/openid-configuration"
    )
    oauth = OAuth()
    return oauth.register(
        name=f"lectio-{provider.key}",
        client_id=config.get("client_id"),
        client_secret=config.get("client_secret"),
        server_metadata_url=discovery,
        client_kwargs={
            "scope": config.get("scope", "openid email profile"),
            "code_challenge_method": "S256",
            "timeout": float(config.get("timeout", 10)),
        },
    )


def start(request: HttpRequest, provider: Provider, callback_url: str) -> HttpResponse:
    try:
        response: HttpResponse = _client(provider).authorize_redirect(request, callback_url)
    except (OAuthError, OSError, ValueError) as exc:
        raise SsoError(
            _("%(provider)s cannot be reached right now. Try again in a moment.")
            % {"provider": provider.label}
        ) from exc
    return response


def finish(request: HttpRequest, provider: Provider) -> tuple[str, dict[str, Any]]:
    """The subject and claims of the person the provider sent back (ID token, then the
    userinfo endpoint's answer on top when the provider has one)."""
    if request.GET.get("error"):
        raise SsoError(
            _("%(provider)s did not sign you in: %(error)s")
            % {
                "provider": provider.label,
                "error": request.GET.get("error_description") or request.GET["error"],
            }
        )
    client = _client(provider)
    try:
        token = client.authorize_access_token(request)
    except OAuthError as exc:
        logger.warning("OIDC %s: sign-in refused: %r", provider.key, exc)
        if exc.error == "mismatching_state":
            raise SsoError(
                _("This sign-in link has expired or was already used. Please start again.")
            ) from exc
        raise SsoError(
            _("%(provider)s's answer could not be verified.") % {"provider": provider.label}
        ) from exc
    except Exception as exc:  # any failure to verify the token means no sign-in
        logger.warning("OIDC %s: ID token refused: %r", provider.key, exc)
        raise SsoError(
            _("%(provider)s's answer could not be verified.") % {"provider": provider.label}
        ) from exc
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise SsoError(_("%(provider)s sent no ID token.") % {"provider": provider.label})
    if client.load_server_metadata().get("userinfo_endpoint"):
        try:
            extra = dict(client.userinfo(token=token))
        except Exception as exc:  # the ID token alone still identifies them
            raise SsoError(
                _("%(provider)s cannot be reached right now. Try again in a moment.")
                % {"provider": provider.label}
            ) from exc
        if extra.get("sub") == claims["sub"]:
            claims.update(extra)
    return str(claims["sub"]), claims
