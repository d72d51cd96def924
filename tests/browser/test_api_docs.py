"""The API's interactive docs render in Chromium under our Content Security Policy, and
"Try it out" reaches the API with a token."""

import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.api import services

pytestmark = pytest.mark.browser


def test_the_swagger_ui_renders_and_calls_the_api_without_csp_violations(
    new_page, live_server, transactional_db
):
    admin = accounts.create_person(
        email="admin@example.com", full_name="Ada Admin", roles=["administrator"]
    )
    _token, secret = services.create_token(
        user=admin, name="docs", scopes=["people:read"], by=admin
    )
    page = new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Lectio API")
    expect(page.get_by_text("/api/v1/people", exact=True).first).to_be_visible()
    # Authorize with the token, then try "List people".
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".auth-container input").first.fill(secret)
    page.locator(".auth-btn-wrapper button.authorize").click()
    page.locator(".auth-btn-wrapper button.btn-done").click()
    operation = page.locator("#operations-people-lectio_api_v1_people_list_people")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status")).to_contain_text(
        "200"
    )
    expect(operation.locator(".live-responses-table")).to_contain_text("admin@example.com")
    assert violations == []
    assert requested and all(url.startswith((live_server.url, "data:")) for url in requested), (
        requested
    )
