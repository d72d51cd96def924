from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import override_settings

from lectio.accounts import services
from tests.helpers import PASSWORD


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/sign-in/", {"username": email, "password": password}, **extra)


def test_it_signs_in_with_email_and_password(client, cast):
    response = sign_in(client, "learner@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/learn/"
    assert client.session[SESSION_KEY] == str(cast.learner.pk)


def test_the_address_is_not_case_sensitive(client, cast):
    assert sign_in(client, "  Learner@EXAMPLE.com ").status_code == 302


def test_it_returns_to_the_page_asked_for(client, cast):
    response = client.post(
        "/accounts/sign-in/?next=/accounts/profile/",
        {"username": "learner@example.com", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"


def test_it_refuses_a_wrong_password_with_a_message(client, cast):
    response = sign_in(client, "learner@example.com", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_deactivated_person_cannot_sign_in(client, cast):
    services.deactivate_person(cast.learner)
    response = sign_in(client, "learner@example.com")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_deactivated_person_is_signed_out_of_open_sessions(client, cast):
    client.force_login(cast.learner)
    services.deactivate_person(cast.learner)
    assert client.get("/learn/").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_pauses_sign_in_after_repeated_failures(client, cast):
    for _ in range(2):
        assert sign_in(client, "learner@example.com", "wrong").status_code == 200
    locked = sign_in(client, "learner@example.com", "wrong")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Even the right password is refused while the address is paused.
    assert sign_in(client, "LEARNER@example.com").status_code == 429
    assert SESSION_KEY not in client.session
    # Another person from the same address is not affected.
    assert sign_in(client, "outsider@example.com").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_pause_ends_after_the_cool_off(client, cast):
    for _ in range(3):
        sign_in(client, "learner@example.com", "wrong")
    assert sign_in(client, "learner@example.com").status_code == 429
    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")
    assert sign_in(client, "learner@example.com").status_code == 302


def test_the_lockout_page_is_in_the_visitors_language(client, cast, settings):
    settings.AXES_FAILURE_LIMIT = 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    response = sign_in(client, "learner@example.com", "wrong")
    assert response.status_code == 429
    assert response["Content-Language"] == "tr"


def test_sign_out_needs_post(client, cast):
    client.force_login(cast.learner)
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response["Location"] == "/accounts/sign-in/"
    assert SESSION_KEY not in client.session


def test_the_sign_in_page_needs_no_account(client, db):
    response = client.get("/accounts/sign-in/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
