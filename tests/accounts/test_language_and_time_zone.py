import datetime as dt

import pytest
from django.utils import timezone

from lectio.accounts import services
from tests.helpers import client_for


def test_anonymous_visitors_switch_language_with_a_cookie(client, db, settings):
    response = client.post("/accounts/language/", {"language": "tr", "next": "/accounts/sign-in/"})
    assert response["Location"] == "/accounts/sign-in/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"
    page = client.get("/accounts/sign-in/")
    assert page["Content-Language"] == "tr"
    assert "Oturum aç" in page.content.decode()
    assert '<html lang="tr">' in page.content.decode()


def test_the_browser_language_is_used_before_any_choice(client, db):
    page = client.get("/accounts/sign-in/", HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9")
    assert page["Content-Language"] == "tr"


def test_signed_in_people_switch_language_on_their_profile(cast):
    client = client_for(cast.learner)
    client.post("/accounts/language/", {"language": "tr", "next": "/learn/"})
    cast.learner.refresh_from_db()
    assert cast.learner.language == "tr"
    assert "Eğitimlerim" in client.get("/learn/").content.decode()


def test_the_persons_language_wins_over_the_browsers(cast):
    client = client_for(cast.manager)  # reads Turkish
    page = client.get("/learn/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "tr"


def test_an_unknown_language_is_refused_with_a_message(cast):
    client = client_for(cast.learner)
    response = client.post(
        "/accounts/language/", {"language": "xx", "next": "/learn/"}, follow=True
    )
    assert "That language is not available." in response.content.decode()
    cast.learner.refresh_from_db()
    assert cast.learner.language == "en"


def test_the_switcher_never_redirects_off_site(client, db):
    response = client.post(
        "/accounts/language/", {"language": "tr", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_switcher_needs_post(client, db):
    assert client.get("/accounts/language/").status_code == 405


def test_the_profile_saves_language_and_time_zone(cast):
    client = client_for(cast.learner)
    response = client.post(
        "/accounts/profile/",
        {"form": "preferences", "language": "tr", "time_zone": "America/Chicago"},
    )
    assert response["Location"] == "/accounts/profile/"
    cast.learner.refresh_from_db()
    assert (cast.learner.language, cast.learner.time_zone) == ("tr", "America/Chicago")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Select a valid choice. Nowhere/Land is not one of the available choices."),
        ("tr", "Geçerli bir seçenek seçin. Nowhere/Land mevcut seçeneklerden biri değil."),
    ],
)
def test_an_unknown_time_zone_is_refused_in_the_persons_language(cast, language, expected):
    services.set_preferences(cast.learner, language=language, time_zone="UTC")
    client = client_for(cast.learner)
    response = client.post(
        "/accounts/profile/",
        {"form": "preferences", "language": language, "time_zone": "Nowhere/Land"},
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    cast.learner.refresh_from_db()
    assert cast.learner.time_zone == "UTC"


def test_the_same_moment_shows_in_each_viewers_time_zone(cast):
    # 09:30 UTC is 12:30 in Istanbul and 03:30 in Chicago (CST, UTC-6, on 15 January).
    moment = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
    cast.outsider.date_joined = moment
    cast.outsider.save(update_fields=["date_joined"])
    services.update_person(cast.admin, time_zone="Europe/Istanbul")
    istanbul = client_for(cast.admin).get(f"/accounts/people/{cast.outsider.pk}/").content.decode()
    services.update_person(cast.admin, time_zone="America/Chicago")
    chicago = client_for(cast.admin).get(f"/accounts/people/{cast.outsider.pk}/").content.decode()
    assert "Jan. 15, 2026, 12:30 p.m." in istanbul
    assert "Jan. 15, 2026, 3:30 a.m." in chicago
    assert "Times are shown in Europe/Istanbul." in istanbul
    assert "Times are shown in America/Chicago." in chicago


def test_dates_follow_the_persons_language_too(cast):
    moment = dt.datetime(2026, 3, 31, 21, 0, tzinfo=dt.UTC)
    cast.outsider.date_joined = moment
    cast.outsider.save(update_fields=["date_joined"])
    services.set_preferences(cast.admin, language="tr", time_zone="Europe/Istanbul")
    page = client_for(cast.admin).get(f"/accounts/people/{cast.outsider.pk}/").content.decode()
    assert "1 Nisan 2026 00:00" in page  # already the 1st of April in Istanbul


def test_no_time_zone_leaks_between_requests(cast):
    client_for(cast.learner).get("/learn/")
    assert timezone.get_current_timezone_name() == "UTC"
