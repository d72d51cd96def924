"""The unsubscribe link works without signing in, and only with a genuine token."""

from django.test import Client

from lectio.notifications import services


def test_the_link_asks_first_then_unsubscribes_without_signing_in(cast):
    url = f"/notifications/unsubscribe/{services.unsubscribe_token(cast.learner)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert b"learner@example.com" in page.content
    assert services.preference_for(cast.learner).optional_email is True

    done = client.post(url, {"List-Unsubscribe": "One-Click"})  # what mail programs send
    assert done.status_code == 200
    cast.learner.refresh_from_db()
    assert services.preference_for(cast.learner).optional_email is False


def test_a_forged_token_is_refused(cast):
    genuine = services.unsubscribe_token(cast.learner)
    forged = services.unsubscribe_token(cast.outsider).split(":")[0] + ":" + genuine.split(":")[1]
    for token in (forged, "nonsense", genuine + "x"):
        response = Client().post(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 400
    assert services.preference_for(cast.outsider).optional_email is True
    assert services.preference_for(cast.learner).optional_email is True


def test_a_token_from_another_signing_purpose_is_refused(cast):
    from django.core import signing

    token = signing.dumps(cast.learner.pk)  # signed, but not for unsubscribing
    assert Client().post(f"/notifications/unsubscribe/{token}/").status_code == 400
