"""OpenID Connect sign-in through Authlib's Django client (authorisation code + PKCE).

Authlib keeps the state, nonce and PKCE verifier in the session, checks the state on the
way back, and validates the ID token (signature against the provider's JWKS, issuer,
audience, expiry, nonce). The provider's discovery document gives every endpoint.

The discovery document and the key set (JWKS) are kept in Django's cache for
``metadata_cache_seconds`` (an hour unless the provider says otherwise), not fetched on
every sign-in; an ID token signed with a key id the cached set does not know makes
Authlib fetch the key set once more (a rotated key), and that fresh set is cached.
"""

import logging
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lectio.accounts.sso import Provider, SsoError

logger = logging.getLogger(__name__)


METADATA_SECONDS = 3600


class _CachedApp(DjangoOAuth2App):  # type: ignore[misc]
    """Authlib's Django client, reading the discovery document and JWKS from the cache."""

    cache_seconds = METADATA_SECONDS

    def _cache_key(self, kind: str, url: str) -> str:
        return f"lectio-oidc-{kind}:{url}"

    def load_server_metadata(self) -> dict[str, Any]:
        url = self._server_metadata_url
        if url and "_loaded_at" not in self.server_metadata:
            cached = cache.get(self._cache_key("discovery", url))
            if cached is not None:
                self.server_metadata.update(cached)
            else:
                before = set(self.server_metadata)
                metadata: dict[str, Any] = super().load_server_metadata()
                fetched = {k: v for k, v in metadata.items() if k not in before}
                cache.set(self._cache_key("discovery", url), fetched, self.cache_seconds)
        return self.server_metadata  # type: ignore[no-any-return]

    def fetch_jwk_set(self, force: bool = False) -> Any:
        metadata = self.load_server_metadata()
        uri = str(metadata.get("jwks_uri", ""))
        if uri and not force and not metadata.get("jwks"):
            cached = cache.get(self._cache_key("jwks", uri))
            if cached is not None:
                self.server_metadata["jwks"] = cached
                return cached
        jwk_set = super().fetch_jwk_set(force=force)
        if uri:
            cache.set(self._cache_key("jwks", uri), jwk_set, self.cache_seconds)
        return jwk_set


class _OAuth(OAuth):  # type: ignore[misc]
    oauth2_client_cls = _CachedApp


def _client(provider: Provider) -> Any:
    config = provider.config
    discovery = config.get("discovery_url") or (
        str(config.get("issuer", "")).rstrip("/") + "/.well-known/openid-configuration"
    )
    oauth = _OAuth()
    client = oauth.register(
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
    client.cache_seconds = int(config.get("metadata_cache_seconds", METADATA_SECONDS))
    return client


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
