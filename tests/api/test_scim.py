"""SCIM 2.0 /Users and /Groups, as an identity provider (Okta, Entra ID) drives them."""

import json

from django.test import Client

from lectio.accounts.models import Group, User
from lectio.api import services

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def call(self, method: str, path: str, body=None, **params):
        if method == "get":
            response = self.client.get(f"/scim/v2{path}", params, headers=self.headers)
        else:
            response = getattr(self.client, method)(
                f"/scim/v2{path}",
                json.dumps(body) if body is not None else "",
                content_type="application/scim+json",
                headers=self.headers,
            )
        if response.status_code == 204:
            return 204, None
        assert response["Content-Type"] == "application/scim+json"
        return response.status_code, response.json()


def _scim(user, scopes=("scim",)):
    _token, secret = services.create_token(user=user, name="idp", scopes=scopes, by=user)
    return Scim(secret)


def test_an_identity_provider_creates_finds_updates_and_deactivates_a_user(cast):
    scim = _scim(cast.admin)
    status, created = scim.call(
        "post",
        "/Users",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "Deniz@Example.com",
            "name": {"givenName": "Deniz", "familyName": "Kaya"},
            "externalId": "00u1",
            "preferredLanguage": "tr",
            "timezone": "Europe/Istanbul",
            "active": True,
        },
    )
    assert status == 201
    person = User.objects.get(email="deniz@example.com")
    assert (person.full_name, person.external_id, person.language) == ("Deniz Kaya", "00u1", "tr")
    assert created["id"] == str(person.pk) and created["userName"] == "deniz@example.com"
    status, _body = scim.call("post", "/Users", {"userName": "deniz@example.com"})
    assert status == 409
    status, found = scim.call("get", "/Users", filter='userName eq "DENIZ@example.com"')
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == str(person.pk)
    status, _body = scim.call(
        "patch",
        f"/Users/{person.pk}",
        {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "title", "value": "Chef"}]},
    )
    assert status == 200
    status, body = scim.call(
        "patch",
        f"/Users/{person.pk}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    person.refresh_from_db()
    assert (status, body["active"], person.is_active, person.job_title) == (
        200,
        False,
        False,
        "Chef",
    )
    status, _body = scim.call(
        "put", f"/Users/{person.pk}", {"userName": "deniz@example.com", "active": True}
    )
    person.refresh_from_db()
    assert status == 200 and person.is_active
    assert scim.call("delete", f"/Users/{person.pk}")[0] == 204
    person.refresh_from_db()
    assert not person.is_active and person.deactivated_at is not None  # history kept


def test_groups_are_created_and_their_members_changed(cast):
    scim = _scim(cast.admin)
    status, _created = scim.call(
        "post",
        "/Groups",
        {"displayName": "Forklift drivers", "members": [{"value": str(cast.learner.pk)}]},
    )
    assert status == 201
    group = Group.objects.get(name="Forklift drivers")
    assert list(group.members.all()) == [cast.learner]
    scim.call(
        "patch",
        f"/Groups/{group.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": str(cast.outsider.pk)}]},
                {"op": "remove", "path": f'members[value eq "{cast.learner.pk}"]'},
            ],
        },
    )
    assert list(group.members.all()) == [cast.outsider]
    status, found = scim.call("get", "/Groups", filter='displayName eq "Forklift drivers"')
    assert found["Resources"][0]["members"][0]["value"] == str(cast.outsider.pk)
    status, body = scim.call(
        "patch",
        f"/Groups/{group.pk}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "999999"}]}],
        },
    )
    assert status == 400 and body["scimType"] == "invalidValue"


def test_only_an_administrators_token_with_the_scim_scope_provisions(cast):
    assert _scim(cast.manager).call("get", "/Users")[0] == 403
    assert _scim(cast.admin, scopes=("people:read",)).call("get", "/Users")[0] == 403
    response = Client().get("/scim/v2/Users")
    assert response.status_code == 401
    status, body = _scim(cast.admin).call("get", "/Users", filter='userName sw "a"')
    assert status == 400 and body["scimType"] == "invalidFilter"
    assert _scim(cast.admin).call("get", "/Users/abc")[0] == 404
    status, config = _scim(cast.admin).call("get", "/ServiceProviderConfig")
    assert status == 200 and config["patch"]["supported"] is True
