"""The OpenAPI document and the interactive docs, which work under our CSP ('self')."""

import json
import re

from django.contrib.staticfiles import finders
from django.test import Client

from lectio.api.v1.api import api


def test_the_openapi_document_is_served_without_a_token(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document == json.loads(json.dumps(api.get_openapi_schema()))
    assert document["info"]["title"] == "Lectio API"
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert "/api/v1/enrollments" in document["paths"]


def test_the_docs_page_loads_only_local_assets_and_no_inline_script(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    # Only a JSON data block: no script runs from the page itself.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for source in sources:  # files that collectstatic gathers from the installed apps
        assert finders.find(source.removeprefix("/static/")), source


def test_an_unknown_address_under_the_api_is_a_json_404(db):
    for path in ("/api/v1/nothing", "/api/v1/people/-1", "/api/v1/people/abc"):
        response = Client().get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
