import pytest
from playwright.sync_api import expect

from lectio.accounts import services
from lectio.catalog.models import Course
from lectio.learning.models import Enrollment
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_an_instructor_publishes_a_course_and_a_learner_enrols(new_page, transactional_db):
    services.create_person(
        email="instructor@example.com",
        full_name="Irene Instructor",
        password=PASSWORD,
        roles=["instructor"],
    )
    services.create_person(
        email="learner@example.com", full_name="Leyla Learner", password=PASSWORD
    )

    author = sign_in(new_page(), "instructor@example.com", PASSWORD)
    author.get_by_role("link", name="Authoring").click()
    author.get_by_label("Title").fill("Workplace Health and Safety")
    author.get_by_role("button", name="Create the draft").click()
    expect(author.get_by_role("heading", name="Workplace Health and Safety")).to_be_visible()

    # Modules are added in place (htmx), without reloading the page.
    author.get_by_label("New module").fill("Hazards")
    author.get_by_role("button", name="Add module").click()
    expect(author.get_by_label("Module title")).to_have_value("Hazards")

    author.get_by_label("New lesson").fill("Spotting hazards")
    author.get_by_label("Kind").select_option("page")
    author.get_by_role("button", name="Add lesson").click()
    author.get_by_label("Text").fill("<p>Keep walkways clear.</p>")
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_role("link", name="Spotting hazards")).to_be_visible()

    author.get_by_role("link", name="Publish").click()
    author.get_by_label("What changed").fill("First release")
    author.get_by_role("button", name="Publish now").click()
    expect(author.get_by_text("Version 1 is live.")).to_be_visible()

    learner = sign_in(new_page(), "learner@example.com", PASSWORD)
    learner.get_by_role("link", name="Catalogue", exact=True).click()
    learner.get_by_label("Search").fill("hazard")  # filters as you type (htmx)
    learner.get_by_role("link", name="Workplace Health and Safety").click()
    expect(learner.get_by_text("Spotting hazards")).to_be_visible()
    learner.get_by_role("button", name="Enrol").click()
    expect(learner.get_by_text("You are enrolled.")).to_be_visible()

    course = Course.objects.get()
    assert course.is_live
    assert Enrollment.objects.filter(user__email="learner@example.com", course=course).exists()
