"""An LRS client (credentials with every scope) and a small HTTP helper for /xapi/."""

import base64
import json
from typing import Any

import pytest
from django.test import Client

from lectio.xapi import services

VERSION = "1.0.3"


class LRS:
    """Calls /xapi/ with HTTP Basic credentials and the version header."""

    def __init__(self, key: str, secret: str) -> None:
        self.http = Client()
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": VERSION}

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        return {**self.headers, **extra}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str):
        return self.http.get(f"/xapi/{path}", params or {}, headers=self._headers(headers))

    def post(
        self,
        path: str,
        body: Any,
        *,
        params: str = "",
        content_type: str = "application/json",
        **headers: str,
    ):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        url = f"/xapi/{path}" + (f"?{params}" if params else "")
        return self.http.post(url, data, content_type=content_type, headers=self._headers(headers))

    def put(
        self,
        path: str,
        body: Any,
        *,
        params: str = "",
        content_type: str = "application/json",
        **headers: str,
    ):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        url = f"/xapi/{path}" + (f"?{params}" if params else "")
        return self.http.put(url, data, content_type=content_type, headers=self._headers(headers))

    def delete(self, path: str, params: str = "", **headers: str):
        url = f"/xapi/{path}" + (f"?{params}" if params else "")
        return self.http.delete(url, headers=self._headers(headers))


def statement(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed"},
        },
        "object": {"id": "https://lectio.test/course/1", "objectType": "Activity"},
    }
    data.update(overrides)
    return data


@pytest.fixture
def lrs_client(db):
    client, secret = services.create_client("Test content", scopes=["all"])
    return client, secret


@pytest.fixture
def lrs(lrs_client):
    client, secret = lrs_client
    return LRS(client.key, secret)
