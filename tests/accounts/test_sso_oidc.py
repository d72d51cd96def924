"""OpenID Connect sign-in, end to end against the django-oauth-toolkit provider in
tests/idp/ running on 127.0.0.1: redirect, the provider's sign-in, the code coming back,
Lectio exchanging it and verifying the ID token."""

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY

from lectio.accounts import services
from lectio.accounts.models import SsoIdentity, User
from tests.helpers import client_for

ALICE = {
    "email": "alice@corp.example",
    "name": "Alice Anders",
    "department": "TR-IST",
    "locale": "tr-TR",
    "zoneinfo": "Europe/Istanbul",
    "job_title": "Forklift driver",
}


@pytest.fixture
def corp(settings, oidc_provider):
    settings.SITE_URL = "http://testserver"
    settings.LECTIO_SSO_PROVIDERS = [oidc_provider.provider_setting()]
    oidc_provider.set_claims({"alice": ALICE, "dora": {"email": "dora@corp.example"}})
    oidc_provider.publish_other_keys(False)
    oidc_provider.name_audience(None)
    return oidc_provider


def start(client, path="/accounts/sso/corp/"):
    response = client.get(path)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(f"{client_provider_url(response)}")
    return response["Location"]


def client_provider_url(response):
    parts = urlsplit(response["Location"])
    return f"{parts.scheme}://{parts.netloc}/o/authorize/"


def through_provider(provider, authorize_url, username, password):
    """What the browser does at the provider: sign in, get sent back with a code."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    response = browser.post(
        provider.url + response.headers["Location"],
        data={"username": username, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    response = browser.get(
        provider.url + response.headers["Location"], allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    back = urlsplit(response.headers["Location"])
    assert back.netloc == "testserver" and back.path == "/accounts/sso/corp/callback/"
    return f"{back.path}?{back.query}"


def sign_in(client, provider, username="alice", password="alice-pw"):  # noqa: S107
    callback = through_provider(provider, start(client), username, password)
    return client.get(callback), callback


def test_it_creates_the_person_on_first_sign_in_with_mapped_fields(client, cast, corp):
    response, _callback = sign_in(client, corp)
    assert response.status_code == 302
    assert response["Location"] == "/learn/"
    alice = User.objects.get(email="alice@corp.example")
    assert client.session[SESSION_KEY] == str(alice.pk)
    assert alice.full_name == "Alice Anders"
    assert alice.department == cast.istanbul
    assert alice.language == "tr"
    assert alice.time_zone == "Europe/Istanbul"
    assert alice.job_title == "Forklift driver"
    assert not alice.has_usable_password()
    identity = SsoIdentity.objects.get(user=alice)
    assert identity.provider == "corp" and identity.subject


def test_a_later_sign_in_updates_the_mapped_fields_and_announces_them(
    client, cast, corp, django_capture_on_commit_callbacks, monkeypatch
):
    sign_in(client, corp)
    client.logout()
    announced = []
    monkeypatch.setattr("lectio.accounts.hooks._people_changed", [announced.extend])
    corp.set_claims(
        {
            "alice": {
                **ALICE,
                "name": "Alice Anders-Berg",
                "department": "Meridian/Germany",
                "locale": "en",
                "zoneinfo": "Europe/Berlin",
            }
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response, _callback = sign_in(client, corp)
    assert response.status_code == 302
    alice = User.objects.get(email="alice@corp.example")
    assert alice.full_name == "Alice Anders-Berg"
    assert alice.department == cast.germany  # found by a path of names
    assert (alice.language, alice.time_zone) == ("en", "Europe/Berlin")
    assert alice.pk in announced  # (with whatever else this test transaction gathered)
    assert User.objects.filter(email="alice@corp.example").count() == 1


def test_it_links_a_person_who_already_exists_by_email(client, cast, corp):
    person = services.create_person(email="Alice@corp.example", full_name="A. Anders")
    response, _callback = sign_in(client, corp)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)
    person.refresh_from_db()
    assert person.full_name == "Alice Anders"
    assert SsoIdentity.objects.get(provider="corp").user == person


def test_an_unverified_address_is_not_linked_to_an_existing_person(client, cast, corp):
    person = services.create_person(email="alice@corp.example", full_name="A. Anders")
    corp.set_claims({"alice": {**ALICE, "email_verified": False}})
    response, _callback = sign_in(client, corp)
    assert response.status_code == 403
    assert "has not verified your e-mail address" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not SsoIdentity.objects.filter(user=person).exists()


def test_a_deactivated_person_cannot_sign_in_through_sso(client, cast, corp):
    sign_in(client, corp)
    client.logout()
    services.deactivate_person(User.objects.get(email="alice@corp.example"))
    response, _callback = sign_in(client, corp)
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_sign_in_page_offers_each_provider(client, db, corp):
    response = client.get("/accounts/sign-in/?next=/accounts/profile/")
    page = response.content.decode()
    assert "Sign in with Corp ID" in page
    assert 'href="/accounts/sso/corp/?next=/accounts/profile/"' in page


def test_it_returns_to_the_page_asked_for(client, cast, corp):
    callback = through_provider(
        corp, start(client, "/accounts/sso/corp/?next=/accounts/profile/"), "alice", "alice-pw"
    )
    response = client.get(callback)
    assert response["Location"] == "/accounts/profile/"


def test_it_refuses_a_state_that_does_not_match(client, cast, corp):
    callback = through_provider(corp, start(client), "alice", "alice-pw")
    path, query = callback.split("?")
    forged = "&".join(p if not p.startswith("state=") else "state=forged" for p in query.split("&"))
    response = client.get(f"{path}?{forged}")
    assert response.status_code == 400
    assert "expired or was already used" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="alice@corp.example").exists()


def test_a_callback_cannot_be_replayed(client, cast, corp):
    response, callback = sign_in(client, corp)
    assert response.status_code == 302
    other = type(client)()
    assert other.get(callback).status_code == 400  # another browser: no such state
    client.logout()
    assert client.get(callback).status_code == 400  # the same browser: state used up
    assert SESSION_KEY not in client.session


def test_it_refuses_an_id_token_whose_signature_does_not_match_the_published_key(
    client, cast, corp
):
    callback = through_provider(corp, start(client), "alice", "alice-pw")
    corp.publish_other_keys(True)
    try:
        response = client.get(callback)
    finally:
        corp.publish_other_keys(False)
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="alice@corp.example").exists()


def test_it_refuses_an_id_token_meant_for_another_client(client, cast, corp):
    corp.name_audience("some-other-client")
    try:
        response, _callback = sign_in(client, corp)
    finally:
        corp.name_audience(None)
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="alice@corp.example").exists()


def test_it_shows_the_providers_refusal(client, cast, corp):
    start(client)
    response = client.get(
        "/accounts/sso/corp/callback/?error=access_denied&error_description=Not+allowed"
    )
    assert response.status_code == 400
    assert "Corp ID did not sign you in: Not allowed" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_unknown_provider_is_a_clear_404(client, db, corp):
    response = client.get("/accounts/sso/nobody/")
    assert response.status_code == 404
    assert "There is no sign-in provider called “nobody”" in response.content.decode()
    assert client.get("/accounts/sso/nobody/callback/?code=x&state=y").status_code == 404


def test_a_provider_may_be_kept_from_creating_people(client, cast, corp, settings):
    settings.LECTIO_SSO_PROVIDERS = [corp.provider_setting(create_people=False)]
    response, _callback = sign_in(client, corp)
    assert response.status_code == 403
    assert "no account here yet" in response.content.decode()
    assert not User.objects.filter(email="alice@corp.example").exists()


def test_an_sso_only_domain_refuses_passwords_and_resets(client, cast, corp, settings, mailbox):
    settings.LECTIO_SSO_ONLY_DOMAINS = ["corp.example"]
    sign_in(client, corp)
    client.logout()
    alice = User.objects.get(email="alice@corp.example")
    alice.set_password("a-password-anyway")
    alice.save()
    response = client.post(
        "/accounts/sign-in/", {"username": "alice@corp.example", "password": "a-password-anyway"}
    )
    assert response.status_code == 200
    assert "sign in through single sign-on" in response.content.decode()
    assert SESSION_KEY not in client.session
    response = client.post("/accounts/password-reset/", {"email": "alice@corp.example"})
    assert response.status_code == 200
    assert "sign in through single sign-on" in response.content.decode()
    assert mailbox == []
    # The admin's sign-in form goes through the same backend.
    admin_form = client.post(
        "/admin/login/", {"username": "alice@corp.example", "password": "a-password-anyway"}
    )
    assert SESSION_KEY not in client.session
    assert admin_form.status_code == 200
    # SSO still works for them; other domains still sign in with a password.
    response, _callback = sign_in(client, corp)
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_the_person_page_names_their_sign_in_provider(client, cast, corp):
    sign_in(client, corp)
    alice = User.objects.get(email="alice@corp.example")
    page = client_for(cast.admin).get(f"/accounts/people/{alice.pk}/").content.decode()
    assert "Single sign-on" in page and "Corp ID" in page
