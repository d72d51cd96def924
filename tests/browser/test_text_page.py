import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import LessonProgress
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_a_text_page_completes_once_read_to_the_end_and_the_dashboard_moves(
    new_page, transactional_db
):
    instructor = accounts.create_person(
        email="i@example.com", full_name="I", password=PASSWORD, roles=["instructor"]
    )
    learner = accounts.create_person(email="learner@example.com", full_name="L", password=PASSWORD)
    course = catalog.create_course(title="Policy", by=instructor)
    module = catalog.add_module(course, title="Read")
    lesson = catalog.add_lesson(module, title="Policy", kind_name="page")
    summary = catalog.add_lesson(module, title="Summary", kind_name="page")
    catalog.update_lesson(summary, content={"body": "<p>Stay safe.</p>"})
    long_text = "".join(f"<p>Clause {n}: keep the workplace safe.</p>" for n in range(1, 120))
    catalog.update_lesson(lesson, content={"body": long_text})
    catalog.publish_course(course, by=instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(learner, course, source="self")

    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto("/learn/")
    progress_bar = page.get_by_role("progressbar", name="Progress in Policy")
    expect(progress_bar).to_have_attribute("value", "0")
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    page.wait_for_timeout(1000)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).status != "completed"
    page.get_by_text("Clause 119").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="I have read this")).to_have_count(0)
    for _ in range(50):  # the report goes out and lands
        if LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).status == "completed":
            break
        page.wait_for_timeout(100)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).status == "completed"

    # Back on the dashboard, the course's progress bar has moved: one of two lessons done.
    page.goto("/learn/")
    expect(progress_bar).to_have_attribute("value", "50")
    expect(page.get_by_role("link", name="Resume")).to_have_attribute(
        "href", f"/learn/courses/{course.slug}/lessons/{lesson.pk}/"
    )
