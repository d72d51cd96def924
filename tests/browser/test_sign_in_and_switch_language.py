import re

import pytest
from playwright.sync_api import Page, expect

from lectio.accounts import services
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def leyla(transactional_db):
    istanbul = services.create_department(name="Istanbul Operations", code="TR-IST")
    return services.create_person(
        email="learner@example.com",
        full_name="Leyla Learner",
        password=PASSWORD,
        department=istanbul,
        time_zone="Europe/Istanbul",
    )


def test_a_learner_signs_in_and_switches_to_turkish(page: Page, leyla):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.get_by_label("E-mail address").fill("learner@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Welcome, Leyla")).to_be_visible()
    expect(page.get_by_role("link", name="My learning")).to_have_attribute("aria-current", "page")

    # The select submits itself (JavaScript hides its button).
    expect(page.get_by_role("button", name="Change")).to_be_hidden()
    page.get_by_label("Language").select_option("tr")

    expect(page.get_by_role("heading", name="Hoş geldiniz, Leyla")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.get_by_role("link", name="Eğitimlerim")).to_be_visible()
    expect(page.get_by_role("button", name="Oturumu kapat")).to_be_visible()
    expect(page.get_by_text("Saatler Europe/Istanbul")).to_be_visible()
    leyla.refresh_from_db()
    assert leyla.language == "tr"

    # The choice belongs to the person: a new browser session opens in Turkish.
    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    page.get_by_label("Language").select_option("en")
    page.get_by_label("E-mail address").fill("learner@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hoş geldiniz, Leyla")).to_be_visible()


def test_the_page_works_on_a_phone(page: Page, leyla):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill("learner@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Leyla")).to_be_visible()
    # Nothing overflows sideways on a narrow screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
