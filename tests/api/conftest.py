"""Tokens for the cast and a client that sends them."""

import json

import pytest
from django.test import Client

from lectio.api import services
from lectio.api.models import Scope


class ApiClient:
    """The test client with a bearer token; answers are (status, JSON body)."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params):
        response = self.client.get(f"/api/v1{path}", params, headers=self.headers)
        return response.status_code, response.json()

    def send(self, method: str, path: str, body, **headers):
        response = getattr(self.client, method)(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers={**self.headers, **headers},
        )
        return response.status_code, response.json()

    def post(self, path: str, body, **headers):
        return self.send("post", path, body, **headers)

    def patch(self, path: str, body, **headers):
        return self.send("patch", path, body, **headers)


ALL = list(Scope.values)


@pytest.fixture
def token_for():
    def make(user, scopes=ALL, **extra):
        _token, secret = services.create_token(
            user=user, name="test", scopes=scopes, by=user, **extra
        )
        return ApiClient(secret)

    return make
