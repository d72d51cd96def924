"""The identity providers the SSO tests sign in through, started once per run."""

import pytest

from tests.accounts.identity_providers import SamlProvider, start_oidc_provider

IDP_PEOPLE = {"alice": "alice-pw", "bob": "bob-pw", "dora": "dora-pw"}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    provider = start_oidc_provider(tmp_path_factory.mktemp("oidc-idp"), IDP_PEOPLE)
    yield provider
    provider.process.terminate()
    provider.process.wait(timeout=10)
    if provider.process.stdout:
        provider.process.stdout.close()


@pytest.fixture(scope="session")
def saml_provider(tmp_path_factory):
    provider = SamlProvider(tmp_path_factory.mktemp("saml-idp"), IDP_PEOPLE)
    yield provider
    provider.stop()
