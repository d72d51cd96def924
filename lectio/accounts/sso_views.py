"""Single sign-on views: start at a provider, come back, sign in (or a clear refusal)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from lectio.accounts import sso, sso_oidc, sso_saml

NEXT_KEY = "lectio_sso_next"


class SignInView(auth_views.LoginView):
    """The sign-in page: e-mail and password, and a "Sign in with …" button per provider."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = sso.providers()
        return context


def _urls(provider: sso.Provider) -> dict[str, str]:
    """The provider's addresses here, as registered at the IdP (built on SITE_URL)."""

    def url(name: str) -> str:
        return settings.SITE_URL + reverse(name, args=[provider.key])

    return {
        "callback": url("accounts:sso_callback"),
        "acs": url("accounts:sso_acs"),
        "metadata": url("accounts:sso_metadata"),
    }


def _refuse(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "accounts/sso_error.html", {"message": message}, status=status)


def _provider_or_refuse(request: HttpRequest, key: str, protocol: str | None = None) -> Any:
    provider = sso.get_provider(key)
    if provider is None or (protocol and provider.protocol != protocol):
        return _refuse(
            request, _("There is no sign-in provider called “%(key)s”.") % {"key": key}, 404
        )
    return provider


def _sign_in(
    request: HttpRequest, provider: sso.Provider, subject: str, claims: Any
) -> HttpResponse:
    try:
        user = sso.provision(provider, subject, claims)
    except sso.SsoError as exc:
        return _refuse(request, str(exc), 403)
    next_url = request.session.pop(NEXT_KEY, "")
    login(request, user, backend="lectio.accounts.backends.ModelBackend")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse(settings.LOGIN_REDIRECT_URL)
    return HttpResponseRedirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


@login_not_required
@require_safe
def sso_start(request: HttpRequest, key: str) -> HttpResponse:
    provider = _provider_or_refuse(request, key)
    if isinstance(provider, HttpResponse):
        return provider
    request.session[NEXT_KEY] = request.GET.get("next", "")
    try:
        if provider.protocol == "oidc":
            return sso_oidc.start(request, provider, _urls(provider)["callback"])
        return sso_saml.start(request, provider, _urls(provider))
    except sso.SsoError as exc:
        return _refuse(request, str(exc), 502)


@login_not_required
@require_safe
def sso_callback(request: HttpRequest, key: str) -> HttpResponse:
    """Where an OpenID Connect provider sends the person back (authorisation code)."""
    provider = _provider_or_refuse(request, key, "oidc")
    if isinstance(provider, HttpResponse):
        return provider
    try:
        subject, claims = sso_oidc.finish(request, provider)
    except sso.SsoError as exc:
        return _refuse(request, str(exc))
    return _sign_in(request, provider, subject, claims)


# The IdP's page posts the answer here from its own site: no CSRF token can come with it;
# the signed assertion answering this browser's own request is what is checked instead.
@csrf_exempt
@login_not_required
@require_POST
def sso_acs(request: HttpRequest, key: str) -> HttpResponse:
    """SAML assertion consumer service (HTTP-POST binding)."""
    provider = _provider_or_refuse(request, key, "saml")
    if isinstance(provider, HttpResponse):
        return provider
    try:
        subject, attributes, pending = sso_saml.finish(request, provider, _urls(provider))
    except sso.SsoError as exc:
        return _refuse(request, str(exc))
    response = _sign_in(request, provider, subject, attributes)
    sso_saml.set_pending(response, pending)
    return response


@login_not_required
@require_safe
def sso_metadata(request: HttpRequest, key: str) -> HttpResponse:
    """This service provider's SAML metadata, to register Lectio at the IdP."""
    provider = _provider_or_refuse(request, key, "saml")
    if isinstance(provider, HttpResponse):
        return provider
    return HttpResponse(
        sso_saml.metadata(provider, _urls(provider)), content_type="application/samlmetadata+xml"
    )
