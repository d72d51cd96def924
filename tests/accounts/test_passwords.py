import re

from django.test import override_settings

from lectio.accounts import services
from lectio.accounts.models import User
from tests.helpers import body, client_for


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
def test_passwords_are_hashed_with_argon2(db):
    user = services.create_person(email="a@example.com", full_name="A", password="long enough pw 1")
    assert user.password.startswith("argon2")
    assert user.check_password("long enough pw 1")


def test_the_production_setting_puts_argon2_first():
    from lectio import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", body(message))
    assert match, body(message)
    return match.group(1)


def test_a_password_reset_arrives_by_email_and_sets_a_new_password(client, cast, mailbox):
    response = client.post("/accounts/password-reset/", {"email": "Learner@example.com"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mailbox) == 1
    assert mailbox[0]["To"] == "learner@example.com"
    assert "Set a new password for Lectio" in mailbox[0]["Subject"]
    form_url = client.get(_reset_link(mailbox[0]))["Location"]
    done = client.post(
        form_url, {"new_password1": "a brand new secret", "new_password2": "a brand new secret"}
    )
    assert done["Location"] == "/accounts/password-reset/done/"
    cast.learner.refresh_from_db()
    assert cast.learner.check_password("a brand new secret")


def test_the_reset_email_is_in_the_persons_language(client, cast, mailbox):
    # The manager reads Turkish, whatever language the visitor's browser asks for.
    client.post(
        "/accounts/password-reset/", {"email": "manager@example.com"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert len(mailbox) == 1
    assert "Lectio" in mailbox[0]["Subject"]
    assert "Set a new password" not in mailbox[0]["Subject"]


def test_unknown_and_deactivated_addresses_get_no_email_and_no_hint(client, cast, mailbox):
    services.deactivate_person(cast.outsider)
    for email in ("nobody@example.com", "outsider@example.com"):
        response = client.post("/accounts/password-reset/", {"email": email})
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert mailbox == []


def test_an_invited_person_sets_their_first_password(cast, mailbox):
    admin = client_for(cast.admin)
    response = admin.post(
        "/accounts/people/new/",
        {
            "email": "newbie@example.com",
            "full_name": "New Bie",
            "language": "en",
            "time_zone": "America/Chicago",
            "send_invitation": "on",
        },
    )
    newbie = User.objects.get(email="newbie@example.com")
    assert response["Location"] == f"/accounts/people/{newbie.pk}/"
    assert not newbie.has_usable_password()
    assert len(mailbox) == 1
    assert "invited" in mailbox[0]["Subject"]
    from django.test import Client

    visitor = Client()
    form_url = visitor.get(_reset_link(mailbox[0]))["Location"]
    visitor.post(
        form_url, {"new_password1": "my first password", "new_password2": "my first password"}
    )
    newbie.refresh_from_db()
    assert newbie.check_password("my first password")


def test_the_profile_changes_the_password(cast):
    client = client_for(cast.learner)
    response = client.post(
        "/accounts/profile/",
        {
            "form": "password",
            "old_password": "correct horse battery staple",
            "new_password1": "another long secret",
            "new_password2": "another long secret",
        },
    )
    assert response["Location"] == "/accounts/profile/"
    cast.learner.refresh_from_db()
    assert cast.learner.check_password("another long secret")
    # The session survives the change.
    assert client.get("/learn/").status_code == 200


def test_a_weak_new_password_is_refused_with_a_reason(cast):
    response = client_for(cast.learner).post(
        "/accounts/profile/",
        {
            "form": "password",
            "old_password": "correct horse battery staple",
            "new_password1": "12345",
            "new_password2": "12345",
        },
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
