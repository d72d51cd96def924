"""A cmi5 course in real Chromium: our own AU (tests/scorm/builders.py) reads the launch
parameters, POSTs to the one-time fetch URL, reads LMS.LaunchData from our LRS, sends
initialized/completed/passed/terminated with the token and goes back to returnURL."""

import pytest
from playwright.sync_api import expect

from lectio.learning.models import LessonProgress
from lectio.scorm import cmi5_services
from lectio.scorm.models import Cmi5Session, ScoState
from lectio.xapi.models import Statement
from tests.browser.helpers import sign_in
from tests.browser.test_scorm_package import eventually, setup_course
from tests.helpers import PASSWORD
from tests.scorm.builders import AU1, BLOCK, COURSE_IRI, cmi5

pytestmark = pytest.mark.browser


def test_a_cmi5_au_completes_the_lesson_through_our_lrs(new_page, settings, live_server):
    course, lesson, enrollment = setup_course(settings, live_server, cmi5(), "Fire safety")
    errors: list[str] = []
    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(r.url) if r.status == 404 else None)
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    page.get_by_role("link", name="Open the package").click()
    page.get_by_role("button", name="Open “Introduction”").click()
    # The AU runs on the content origin, another host name: no cookies of the site.
    expect(page.locator("#state")).to_have_text("ready")
    assert page.url.startswith(settings.LECTIO_CONTENT_ORIGIN)
    assert page.evaluate("() => document.cookie") == ""
    expect(page.locator("#mode")).to_have_text("Normal")
    expect(page.locator("#mastery")).to_have_text("0.8")
    expect(page.locator("#parameters")).to_have_text("level=1")
    expect(page.locator("#language")).to_have_text("en")
    page.get_by_role("button", name="Finish the lesson").click()
    # Back on the launch page (returnURL), the AU is done.
    expect(page.get_by_role("button", name="Open “Introduction”")).to_be_visible()
    assert page.url.startswith(live_server.url)
    expect(page.locator(".cmi5-aus .badge")).to_have_text("Done")
    assert eventually(
        lambda: LessonProgress.objects.filter(
            enrollment=enrollment, lesson=lesson, status=LessonProgress.Status.COMPLETED
        ).exists()
    )
    state = ScoState.objects.get(enrollment=enrollment, sco=AU1)
    assert (state.completion, state.success, state.score_scaled) == ("completed", "passed", 0.9)
    session = Cmi5Session.objects.get()
    assert session.fetched_at is not None and session.terminated_at is not None
    assert session.verbs == ["initialized", "completed", "passed", "terminated"]
    satisfied = Statement.objects.filter(verb_id=cmi5_services.VERBS["satisfied"])
    assert {s.object_activity for s in satisfied} == {BLOCK, COURSE_IRI}
    assert errors == []
