import pytest
from playwright.sync_api import expect

from lectio.accounts import services
from lectio.catalog import paths
from lectio.learning.models import Enrollment, PathEnrollment
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD, make_course

pytestmark = pytest.mark.browser


def test_a_learner_enrols_in_a_programme_chooses_an_elective_and_completes_it(
    new_page, transactional_db
):
    instructor = services.create_person(
        email="instructor@example.com", full_name="Irene", roles=["instructor"]
    )
    services.create_person(
        email="learner@example.com", full_name="Leyla Learner", password=PASSWORD
    )
    path = paths.create_path(title="Compliance Essentials", by=instructor, summary="Basics")
    paths.add_course_step(path, make_course(instructor, "Security", pages=1))
    electives = [make_course(instructor, title, pages=1) for title in ("Excel", "Ethics")]
    paths.add_elective_step(path, electives, pick=1, title="Your choice")
    paths.publish_path(path, by=instructor)

    errors: list[str] = []
    learner = sign_in(new_page(), "learner@example.com", PASSWORD)
    learner.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    learner.get_by_role("link", name="Catalogue", exact=True).click()
    learner.get_by_role("link", name="Compliance Essentials").click()
    learner.get_by_role("button", name="Enrol in the programme").click()
    expect(learner.get_by_text("You are enrolled in the programme")).to_be_visible()
    learner.get_by_role("button", name="Choose — Ethics").click()
    expect(learner.get_by_text("You are enrolled in this elective.")).to_be_visible()

    for title in ("Security", "Ethics"):
        learner.get_by_role("link", name=title, exact=True).click()
        learner.get_by_role("link", name="Page 1").click()
        # A short page is read to the end at once: its report completes the course.
        for _ in range(50):
            if Enrollment.objects.filter(course__title=title, completed_at__isnull=False).exists():
                break
            learner.wait_for_timeout(100)
        learner.goto(f"/programmes/{path.slug}/")
    expect(learner.get_by_text("Completed on")).to_be_visible()
    expect(learner.get_by_role("link", name="Certificate", exact=True)).to_be_visible()
    learner.goto("/learn/")
    expect(learner.get_by_role("heading", name="My programmes")).to_be_visible()
    assert PathEnrollment.objects.get().progress_percent == 100
    assert errors == []  # nothing refused by the content security policy
