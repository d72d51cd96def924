"""System checks: a misconfigured SSO provider is reported when Lectio starts, not when
someone tries to sign in."""

from typing import Any

from django.core.checks import Error, register

from lectio.accounts import sso


@register()
def sso_providers(app_configs: Any, **kwargs: Any) -> list[Error]:
    return [Error(problem, id="lectio.E281") for problem in sso.configuration_problems()]
