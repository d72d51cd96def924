"""Password sign-in: Django's ModelBackend, except for SSO-only e-mail domains."""

from typing import Any

from django.contrib.auth import backends
from django.http import HttpRequest

from lectio.accounts.sso import is_sso_only


class ModelBackend(backends.ModelBackend):
    """Addresses of a domain in ``LECTIO_SSO_ONLY_DOMAINS`` never sign in with a password,
    whichever form asks (the sign-in page, the admin's)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and is_sso_only(str(username)):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
