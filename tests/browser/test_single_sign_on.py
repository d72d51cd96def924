"""Single sign-on in real Chromium: the sign-in page's button, the OpenID Connect
provider's own page (the django-oauth-toolkit project of tests/idp/), and back."""

import re

import pytest
from playwright.sync_api import Page, expect

from lectio.accounts import services
from lectio.accounts.models import User
from tests.accounts.identity_providers import SamlProvider, start_oidc_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server, settings, tmp_path, transactional_db):
    idp = start_oidc_provider(tmp_path, {"alice": "alice-pw"}, lectio_url=live_server.url)
    idp.set_claims(
        {
            "alice": {
                "email": "alice@corp.example",
                "name": "Alice Anders",
                "department": "TR-IST",
                "locale": "tr",
                "zoneinfo": "Europe/Istanbul",
            }
        }
    )
    settings.SITE_URL = live_server.url
    settings.LECTIO_SSO_PROVIDERS = [idp.provider_setting()]
    settings.LECTIO_SSO_ONLY_DOMAINS = ["corp.example"]
    services.create_department(name="Istanbul Operations", code="TR-IST")
    yield idp
    idp.process.terminate()
    idp.process.wait(timeout=10)
    if idp.process.stdout:
        idp.process.stdout.close()


def test_a_person_signs_in_with_the_company_provider(page: Page, provider):
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Sign in with Corp ID").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/login/"))
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-pw")
    page.get_by_role("button", name="Sign in").click()

    # Back at Lectio, signed in as a new person who reads Turkish.
    expect(page.get_by_role("heading", name="Hoş geldiniz, Alice")).to_be_visible()
    alice = User.objects.get(email="alice@corp.example")
    assert (alice.department.code, alice.time_zone) == ("TR-IST", "Europe/Istanbul")

    # Their domain is SSO only: the password form tells them so.
    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill("alice@corp.example")
    page.get_by_label("Password").fill("anything")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("sign in through single sign-on")).to_be_visible()


@pytest.fixture
def saml_idp(live_server, settings, tmp_path, client, transactional_db):
    idp = SamlProvider(tmp_path, {"bob": "bob-pw"}, host="localhost")
    idp.attributes = {
        "bob": {
            "email": ["bob@acme.example"],
            "displayName": ["Bob Baker"],
            "timeZone": ["Asia/Tokyo"],
        }
    }
    settings.SITE_URL = live_server.url
    settings.LECTIO_SSO_PROVIDERS = [idp.provider_setting()]
    idp.trust(client.get("/accounts/sso/acme/metadata/").content.decode())
    yield idp
    idp.stop()


def test_a_person_signs_in_with_the_company_saml_idp(new_page, saml_idp):
    # The IdP asks for HTTP Basic credentials; its answer posts itself back to Lectio.
    page = new_page(http_credentials={"username": "bob", "password": "bob-pw"})
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Sign in with Acme SAML").click()
    expect(page.get_by_role("heading", name="Welcome, Bob")).to_be_visible()
    bob = User.objects.get(email="bob@acme.example")
    assert (bob.full_name, bob.time_zone) == ("Bob Baker", "Asia/Tokyo")
