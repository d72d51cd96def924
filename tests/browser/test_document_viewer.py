import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import Enrollment, LessonProgress
from tests.assets.helpers import send_whole
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD, client_for, run_worker

pytestmark = pytest.mark.browser


def test_the_learner_pages_through_a_pdf_and_the_lesson_completes(new_page, transactional_db, pdf):
    instructor = accounts.create_person(
        email="instructor@example.com", full_name="Irene", password=PASSWORD, roles=["instructor"]
    )
    learner = accounts.create_person(
        email="learner@example.com", full_name="Leyla", password=PASSWORD
    )
    course = catalog.create_course(title="Handbook", by=instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="Read"), title="The handbook", kind_name="document"
    )
    response, _upload = send_whole(client_for(instructor), course, lesson, pdf, kind="document")
    assert response.status_code == 200
    run_worker()
    catalog.publish_course(course, by=instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(learner, course, source="self")

    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    expect(page.locator("[data-page-count]")).to_have_text("3")
    expect(page.get_by_label("Page 1")).to_be_visible()  # the rendered canvas
    page.wait_for_timeout(2300)  # a page counts as seen after two seconds on screen
    for number in (2, 3):
        page.get_by_role("button", name="Next page").click()
        expect(page.get_by_label(f"Page {number}", exact=True)).to_be_visible()
        page.wait_for_timeout(2300)
    expect(page.get_by_role("status")).to_contain_text("100")
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    assert (progress.status, progress.pages_seen, progress.position) == ("completed", [1, 2, 3], 3)
    # Active time is kept per page (each page was on screen for over two seconds).
    assert {"1", "2"} <= set(progress.page_seconds) and progress.page_seconds["1"] >= 2
    assert progress.active_seconds >= 4
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is not None

    # Coming back opens at the last page.
    page.reload()
    expect(page.locator("[data-page-number]")).to_have_value("3")
