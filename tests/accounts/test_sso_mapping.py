"""How claims and attributes become a person's fields (no provider needed)."""

import pytest

from lectio.accounts import sso


def provider(**raw):
    return sso._provider({"key": "corp", "protocol": "oidc", **raw})


def test_it_finds_a_department_by_code_or_by_a_path_of_codes_or_names(cast):
    assert sso.find_department("tr-ist") == cast.istanbul
    assert sso.find_department("HQ/TR/TR-IST") == cast.istanbul
    assert sso.find_department("/Meridian/ Türkiye /Istanbul Operations/") == cast.istanbul
    assert sso.find_department("Meridian/Germany") == cast.germany
    assert sso.find_department("Germany/Türkiye") is None  # Türkiye is not under Germany
    assert sso.find_department("NOPE") is None
    assert sso.find_department("") is None


def test_it_maps_claims_and_leaves_out_what_it_cannot_use(cast):
    fields = sso.mapped_fields(
        provider(),
        {
            "name": " Ann Example ",
            "department": "Nowhere",
            "locale": "tr_TR",
            "zoneinfo": "Mars/Olympus",
            "job_title": ["Welder", "Painter"],
        },
    )
    assert fields == {"full_name": "Ann Example", "language": "tr", "job_title": "Welder"}
    assert sso.mapped_fields(provider(), {"locale": "xx"}) == {}


def test_a_provider_may_map_its_own_claim_names(cast):
    corp = provider(mapping={"department": "ou", "time_zone": "tz"})
    fields = sso.mapped_fields(corp, {"ou": "DE", "tz": "Europe/Berlin", "department": "TR"})
    assert fields == {"department": cast.germany, "time_zone": "Europe/Berlin"}


def test_saml_defaults_use_directory_attribute_names(cast):
    acme = sso._provider({"key": "acme", "protocol": "saml"})
    fields = sso.mapped_fields(acme, {"displayName": ["Bo"], "preferredLanguage": ["en"]})
    assert fields == {"full_name": "Bo", "language": "en"}


@pytest.mark.parametrize(
    "raw",
    [
        {"key": "", "protocol": "oidc"},
        {"key": "a b", "protocol": "oidc"},
        {"key": "x", "protocol": "cas"},
    ],
)
def test_a_misconfigured_provider_is_named_at_once(raw):
    with pytest.raises(ValueError, match="SSO provider"):
        sso._provider(raw)


def test_sso_only_domains_match_the_whole_domain(settings):
    settings.LECTIO_SSO_ONLY_DOMAINS = ["corp.example"]
    assert sso.is_sso_only(" Ann@CORP.example ")
    assert not sso.is_sso_only("ann@notcorp.example")
    assert not sso.is_sso_only("ann@sub.corp.example")
    assert not sso.is_sso_only("no-at-sign")


def test_a_subject_is_required(cast):
    with pytest.raises(sso.SsoError):
        sso.provision(provider(), "", {"email": "ann@example.com"})


def test_the_system_check_names_each_configuration_problem(settings):
    from django.core.checks import run_checks

    settings.LECTIO_SSO_PROVIDERS = [
        {"key": "corp", "protocol": "oidc", "issuer": "https://id.example", "client_id": "x"},
        {"key": "corp", "protocol": "saml"},
        {"key": "bad key", "protocol": "oidc"},
        "not an object",
    ]
    messages = {error.msg for error in run_checks() if error.id == "lectio.E281"}
    assert messages == {
        "SSO provider 'corp' needs 'client_secret'",
        "SSO provider key 'corp' is used twice",
        "SSO provider 'corp' needs 'idp_metadata_url'",
        "SSO provider key 'bad key' must be letters, digits, - or _",
        "SSO provider 'not an object' must be a JSON object",
    }


def test_a_misconfigured_provider_does_not_break_the_sign_in_page(client, db, settings):
    settings.LECTIO_SSO_PROVIDERS = [
        {"key": "bad key", "protocol": "oidc"},
        {"key": "ok", "protocol": "saml", "label": "Okta", "idp_metadata_url": "https://x"},
    ]
    page = client.get("/accounts/sign-in/")
    assert page.status_code == 200
    assert "Sign in with Okta" in page.content.decode()


def test_no_password_e_mail_goes_to_an_sso_only_address(cast, settings, mailbox):
    from tests.helpers import client_for

    settings.LECTIO_SSO_ONLY_DOMAINS = ["example.com"]
    response = client_for(cast.admin).post(
        f"/accounts/people/{cast.learner.pk}/invite/", follow=True
    )
    assert "signs in through single sign-on: there is no password to set" in (
        response.content.decode()
    )
    assert mailbox == []
