import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.assessments import services as bank
from lectio.assessments.models import Answer, Attempt
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import LessonProgress
from tests.assessments.data import RAW
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_a_learner_answers_reloads_finds_the_answer_kept_and_submits(new_page, transactional_db):
    instructor = accounts.create_person(
        email="i@example.com", full_name="I", password=PASSWORD, roles=["instructor"]
    )
    learner = accounts.create_person(
        email="learner@example.com", full_name="Leyla Learner", password=PASSWORD
    )
    category = bank.category_path(["Security"])
    questions = [
        bank.create_question(
            category=category,
            type="single",
            prompt=f"<p>Suspicious e-mail {n}?</p>",
            data=RAW["single"],
            by=instructor,
        )
        for n in (1, 2)
    ]
    course = catalog.create_course(title="Security Check", by=instructor)
    module = catalog.add_module(course, title="Check")
    quiz = catalog.add_lesson(module, title="Final quiz", kind_name="quiz")
    catalog.update_lesson(
        quiz,
        content={
            "question_ids": [q.pk for q in questions],
            "time_limit": 15,
            "passing_score": 50,
        },
    )
    catalog.publish_course(course, by=instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(learner, course, source="self")
    errors: list[str] = []

    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/learn/courses/{course.slug}/lessons/{quiz.pk}/")
    page.get_by_role("link", name="Open the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Suspicious e-mail 1?")).to_be_visible()
    expect(page.locator("[data-countdown]")).to_contain_text(":")
    # htmx wires the autosave when the document has loaded: a slow machine may show the
    # page before that, and a person that quick would have to press Save.
    page.wait_for_load_state("load")

    # Answer the first question: saved as given (htmx), no button pressed.
    page.locator("[data-slot='1']").get_by_label("Report it to security").check()
    expect(page.locator("#autosave")).to_contain_text("Saved at")
    attempt = Attempt.objects.get(enrollment=enrollment)
    assert Answer.objects.get(attempt=attempt, slot=1).response == {"choice": "c1"}

    page.reload()
    assert page.url.endswith(f"/assessments/attempts/{attempt.pk}/")
    expect(page.locator("[data-slot='1']").get_by_label("Report it to security")).to_be_checked()

    page.get_by_role("button", name="Submit…").click()
    expect(page.locator("[data-unanswered]")).to_contain_text("Question 2")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator("[data-result]")).to_contain_text("Your score: 50%")
    expect(page.locator("[data-result]")).to_contain_text("Passed")

    progress = LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk)
    assert progress.status == "completed"
    assert not [e for e in errors if "Content Security Policy" in e]
