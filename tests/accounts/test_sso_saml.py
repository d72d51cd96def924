"""SAML 2.0 sign-in, end to end against a pysaml2 IdP served on 127.0.0.1: Lectio's
AuthnRequest by redirect, the IdP's signed response posted back to the ACS."""

import base64

import pytest
import requests
from django.contrib.auth import SESSION_KEY

from lectio.accounts import services
from lectio.accounts.models import SsoIdentity, User
from tests.accounts.identity_providers import form_fields

BOB = {
    "email": ["bob@acme.example"],
    "displayName": ["Bob Baker"],
    "department": ["HQ/TR"],
    "preferredLanguage": ["tr"],
    "timeZone": ["Europe/Istanbul"],
}


@pytest.fixture
def acme(settings, saml_provider, client, db):
    settings.SITE_URL = "http://testserver"
    settings.LECTIO_SSO_PROVIDERS = [saml_provider.provider_setting()]
    saml_provider.attributes = {"bob": dict(BOB)}
    saml_provider.audience = None
    saml_provider.sign = True
    metadata = client.get("/accounts/sso/acme/metadata/")
    assert metadata.status_code == 200
    saml_provider.trust(metadata.content.decode())
    return saml_provider


def answer(client, provider, username="bob", password="bob-pw"):  # noqa: S107
    """Start at Lectio, sign in at the IdP; the ACS path and the form the IdP posts."""
    response = client.get("/accounts/sso/acme/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider.url}/sso?SAMLRequest=")
    idp = requests.get(response["Location"], auth=(username, password), timeout=10)
    assert idp.status_code == 200, idp.text
    return form_fields(idp.text)


def sign_in(client, provider, **kwargs):
    path, fields = answer(client, provider, **kwargs)
    return client.post(path, fields), fields


def test_it_creates_the_person_with_mapped_attributes(client, cast, acme):
    response, _fields = sign_in(client, acme)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/learn/"
    bob = User.objects.get(email="bob@acme.example")
    assert client.session[SESSION_KEY] == str(bob.pk)
    assert bob.full_name == "Bob Baker"
    assert bob.department == cast.turkiye  # a path of codes
    assert (bob.language, bob.time_zone) == ("tr", "Europe/Istanbul")
    assert SsoIdentity.objects.get(user=bob).subject == "id-bob"


def test_a_later_sign_in_updates_the_person(client, cast, acme):
    sign_in(client, acme)
    client.logout()
    acme.attributes["bob"] = {
        **BOB,
        "displayName": ["Bob Baker-Smith"],
        "department": ["DE"],
        "preferredLanguage": ["en-GB"],
        "timeZone": ["Europe/Berlin"],
        "email": ["bob.baker@acme.example"],
    }
    response, _fields = sign_in(client, acme)
    assert response.status_code == 302
    bob = User.objects.get(sso_identities__subject="id-bob")
    assert client.session[SESSION_KEY] == str(bob.pk)
    assert bob.full_name == "Bob Baker-Smith"
    assert bob.email == "bob.baker@acme.example"  # same NameID: same person, new address
    assert bob.department == cast.germany
    assert (bob.language, bob.time_zone) == ("en", "Europe/Berlin")
    assert User.objects.filter(full_name__startswith="Bob").count() == 1


def test_the_idp_must_sign_in_the_person_first(client, db, acme):
    response = client.get("/accounts/sso/acme/")
    assert requests.get(response["Location"], auth=("bob", "wrong"), timeout=10).status_code == 401


def test_a_tampered_response_is_refused(client, cast, acme):
    path, fields = answer(client, acme)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert "Bob Baker" in xml
    fields["SAMLResponse"] = base64.b64encode(
        xml.replace("Bob Baker", "Eve Evil").encode()
    ).decode()
    response = client.post(path, fields)
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="bob@acme.example").exists()


def test_a_response_for_another_service_provider_is_refused(client, cast, acme):
    acme.audience = "https://elsewhere.example/sp"
    try:
        response, _fields = sign_in(client, acme)
    finally:
        acme.audience = None
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="bob@acme.example").exists()


def test_an_unsigned_assertion_is_refused(client, cast, acme):
    acme.sign = False
    try:
        response, fields = sign_in(client, acme)
    finally:
        acme.sign = True
    assert "Signature" not in base64.b64decode(fields["SAMLResponse"]).decode()
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="bob@acme.example").exists()


def test_a_replayed_response_is_refused(client, cast, acme):
    path, fields = answer(client, acme)
    cookie = client.cookies["lectio_saml"].value
    assert client.post(path, fields).status_code == 302
    client.logout()
    assert client.post(path, fields).status_code == 400  # the request is no longer pending
    client.cookies["lectio_saml"] = cookie  # even with the old cookie put back
    assert client.post(path, fields).status_code == 400
    assert SESSION_KEY not in client.session


def test_a_response_to_another_browsers_request_is_refused(client, cast, acme):
    path, fields = answer(client, acme)
    stranger = type(client)()
    response = stranger.post(path, fields)
    assert response.status_code == 400
    assert SESSION_KEY not in stranger.session


def test_a_missing_response_and_an_unknown_provider_are_clear_errors(client, db, acme):
    response = client.post("/accounts/sso/acme/acs/", {})
    assert response.status_code == 400
    assert "answer is missing" in response.content.decode()
    response = client.post("/accounts/sso/nobody/acs/", {"SAMLResponse": "x"})
    assert response.status_code == 404
    # An OIDC address for a SAML provider is unknown too.
    assert client.get("/accounts/sso/acme/callback/").status_code == 404


def test_a_deactivated_person_cannot_sign_in(client, cast, acme):
    person = services.create_person(email="bob@acme.example", full_name="Bob Baker")
    services.deactivate_person(person)
    response, _fields = sign_in(client, acme)
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_sso_only_domain_refuses_a_password(client, cast, acme, settings):
    settings.LECTIO_SSO_ONLY_DOMAINS = ["acme.example"]
    sign_in(client, acme)
    client.logout()
    bob = User.objects.get(email="bob@acme.example")
    bob.set_password("pw-anyway-123")
    bob.save()
    response = client.post(
        "/accounts/sign-in/", {"username": "bob@acme.example", "password": "pw-anyway-123"}
    )
    assert "sign in through single sign-on" in response.content.decode()
    assert SESSION_KEY not in client.session
    # Others still use passwords.
    response = client.post(
        "/accounts/sign-in/",
        {"username": "learner@example.com", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302


def test_the_metadata_names_the_acs(client, db, acme):
    metadata = client.get("/accounts/sso/acme/metadata/").content.decode()
    assert 'Location="http://testserver/accounts/sso/acme/acs/"' in metadata
    assert 'entityID="http://testserver/accounts/sso/acme/metadata/"' in metadata


def test_our_metadata_is_served_when_the_idps_cannot_be_reached(client, db, acme, settings):
    settings.LECTIO_SSO_PROVIDERS = [
        acme.provider_setting(idp_metadata_file=None, idp_metadata_url="http://127.0.0.1:9/x")
    ]
    response = client.get("/accounts/sso/acme/metadata/")
    assert response.status_code == 200
    assert 'entityID="http://testserver/accounts/sso/acme/metadata/"' in response.content.decode()
    # Signing in, which needs the IdP's metadata, says the provider cannot be reached.
    refused = client.get("/accounts/sso/acme/")
    assert refused.status_code == 502
    assert "cannot be reached" in refused.content.decode()


def test_metadata_from_a_url_is_fetched_once_and_cached(client, cast, acme, settings):
    settings.LECTIO_SSO_PROVIDERS = [
        acme.provider_setting(idp_metadata_file=None, idp_metadata_url=f"{acme.url}/metadata")
    ]
    acme.metadata_requests = 0
    first, _fields = sign_in(client, acme)
    assert first.status_code == 302, first.content.decode()
    client.logout()
    again, _fields = sign_in(client, acme)
    assert again.status_code == 302, again.content.decode()
    assert User.objects.filter(email="bob@acme.example").count() == 1
    assert acme.metadata_requests == 1  # not once per sign-in (or per step)
