"""LRS clients: administrators create them in the UI (the secret shown once) or with
``lectio lrs_client create``; they can disable them."""

from io import StringIO

import pytest
from django.core.management import call_command

from lectio.xapi.models import LRSClient, hash_secret
from tests.helpers import client_for
from tests.xapi.conftest import LRS


def test_it_lets_an_administrator_create_a_client_and_shows_the_secret_once(cast):
    http = client_for(cast.admin)
    response = http.post(
        "/xapi/clients/", {"name": "Storyline", "scopes": ["statements/write", "state"]}
    )
    assert response.status_code == 200
    client = LRSClient.objects.get()
    assert client.scopes == ["state", "statements/write"]
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert client.secret_hash == hash_secret(secret)
    listed = http.get("/xapi/clients/")
    assert client.key in listed.content.decode() and secret not in listed.content.decode()


def test_it_refuses_a_client_without_a_name_or_with_unknown_scopes(cast):
    http = client_for(cast.admin)
    assert http.post("/xapi/clients/", {"name": "", "scopes": ["state"]}).status_code == 200
    assert http.post("/xapi/clients/", {"name": "X", "scopes": ["everything"]}).status_code == 200
    assert not LRSClient.objects.exists()


def test_it_disables_and_enables_a_client(cast):
    http = client_for(cast.admin)
    http.post("/xapi/clients/", {"name": "Storyline", "scopes": ["all"]})
    client = LRSClient.objects.get()
    assert http.post(f"/xapi/clients/{client.pk}/toggle/").status_code == 302
    client.refresh_from_db()
    assert not client.is_active
    http.post(f"/xapi/clients/{client.pk}/toggle/")
    client.refresh_from_db()
    assert client.is_active


@pytest.mark.parametrize("who", ["learner", "manager", "instructor"])
def test_it_refuses_the_client_pages_to_everyone_but_administrators(cast, who):
    http = client_for(getattr(cast, who))
    assert http.get("/xapi/clients/").status_code == 403
    assert http.post("/xapi/clients/", {"name": "X", "scopes": ["all"]}).status_code == 403
    assert not LRSClient.objects.exists()


def test_it_bounds_the_queries_of_the_client_list(cast, django_assert_max_num_queries):
    http = client_for(cast.admin)
    for number in range(5):
        http.post("/xapi/clients/", {"name": f"Client {number}", "scopes": ["all"]})
    with django_assert_max_num_queries(8):
        assert http.get("/xapi/clients/").status_code == 200


def test_it_creates_a_client_from_the_command_line_printing_key_and_secret_once(db):
    out = StringIO()
    call_command("lrs_client", "create", "Analytics", "--scope", "all/read", stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().strip().splitlines())
    client = LRSClient.objects.get(key=lines["key"])
    assert client.scopes == ["all/read"] and client.secret_hash == hash_secret(lines["secret"])
    lrs = LRS(lines["key"], lines["secret"])
    assert lrs.get("statements").status_code == 200
    listing = StringIO()
    call_command("lrs_client", "list", stdout=listing)
    assert "Analytics" in listing.getvalue() and lines["secret"] not in listing.getvalue()
    call_command("lrs_client", "disable", lines["key"], stdout=StringIO())
    assert lrs.get("statements").status_code == 401


def test_it_uses_the_default_scopes_when_none_are_given(db):
    out = StringIO()
    call_command("lrs_client", "create", "Package", stdout=out)
    assert LRSClient.objects.get().scopes == ["statements/read/mine", "statements/write"]
    assert out.getvalue().startswith("key: ") and "secret: " in out.getvalue()
