import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import Attestation, LessonProgress
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_a_learner_reads_a_policy_ticks_confirms_and_sees_it_confirmed(new_page, transactional_db):
    instructor = accounts.create_person(
        email="i@example.com", full_name="I", password=PASSWORD, roles=["instructor"]
    )
    learner = accounts.create_person(
        email="learner@example.com", full_name="Leyla Learner", password=PASSWORD
    )
    course = catalog.create_course(title="Code of Conduct", by=instructor)
    module = catalog.add_module(course, title="Policies")
    policy = catalog.add_lesson(module, title="Anti-bribery policy", kind_name="attestation")
    catalog.update_lesson(policy, content={"text": "<p>Never accept gifts over 50 EUR.</p>"})
    catalog.publish_course(course, by=instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(learner, course, source="self")
    errors: list[str] = []

    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/learn/courses/{course.slug}/lessons/{policy.pk}/")
    expect(page.get_by_text("Never accept gifts over 50 EUR.")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Leyla Learner")
    box = page.get_by_label("I have read and understood this policy and agree to follow it.")
    expect(box).not_to_be_checked()

    # The browser will not send the form unticked (the box is required).
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_timeout(300)
    assert not Attestation.objects.exists()

    box.check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Your confirmation is recorded.")).to_be_visible()
    expect(page.get_by_text("Confirmed on")).to_contain_text("(version 1)")
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)
    expect(page.get_by_text("Completed", exact=True)).to_be_visible()

    row = Attestation.objects.get()
    assert row.full_name == "Leyla Learner" and row.version == 1
    assert "Chrome" in row.user_agent and row.ip_address == "127.0.0.1"
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=policy)
    assert progress.status == "completed"
    assert not [e for e in errors if "Content Security Policy" in e]
