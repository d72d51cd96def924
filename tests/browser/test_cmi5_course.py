"""A cmi5 course in real Chromium: our own AU (tests/scorm/builders.py) reads the launch
parameters, POSTs to the one-time fetch URL, reads LMS.LaunchData from our LRS, sends
initialized/completed/passed/terminated with the token and goes back to returnURL.

An AnyWindow AU plays in a frame of our player page and its returnURL brings the whole
page back to the list; an OwnWindow AU opens in a new window, which its returnURL
closes; a satisfied AU is reviewed (launch mode Review) and the author previews one
(Browse), neither changing any record."""

import pytest
from playwright.sync_api import expect

from lectio.learning.models import LessonProgress
from lectio.scorm import cmi5_services
from lectio.scorm.models import Cmi5Registration, Cmi5Session, ScoState
from lectio.xapi.models import Statement
from tests.browser.helpers import sign_in
from tests.browser.test_scorm_package import eventually, setup_course
from tests.helpers import PASSWORD
from tests.scorm.builders import AU1, BLOCK, COURSE_IRI, au_xml, cmi5, cmi5_xml

pytestmark = pytest.mark.browser


def watch(page, errors: list[str]):
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(r.url) if r.status == 404 else None)
    return page


def test_a_cmi5_au_completes_the_lesson_through_our_lrs(new_page, settings, live_server):
    course, lesson, enrollment = setup_course(settings, live_server, cmi5(), "Fire safety")
    errors: list[str] = []
    page = watch(sign_in(new_page(), "learner@example.com", PASSWORD), errors)
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    page.get_by_role("link", name="Open the package").click()
    page.get_by_role("button", name="Open “Introduction”").click()
    # AnyWindow: the AU plays in a frame of our player page, on the content origin,
    # another host name: no cookies of the site.
    assert page.url.startswith(live_server.url)
    frame_element = page.locator("iframe.package-frame")
    expect(frame_element).to_be_visible()
    au = page.frame_locator("iframe.package-frame")
    expect(au.locator("#state")).to_have_text("ready")
    frame = frame_element.element_handle().content_frame()
    assert frame is not None and frame.url.startswith(settings.LECTIO_CONTENT_ORIGIN)
    assert frame.evaluate("() => document.cookie") == ""
    expect(au.locator("#mode")).to_have_text("Normal")
    expect(au.locator("#mastery")).to_have_text("0.8")
    expect(au.locator("#parameters")).to_have_text("level=1")
    expect(au.locator("#language")).to_have_text("en")
    au.get_by_role("button", name="Finish the lesson").click()
    # returnURL: the whole page (not the frame) is back on the list, the AU done.
    expect(page.get_by_role("button", name="Review “Introduction”")).to_be_visible()
    assert page.url == f"{live_server.url}/scorm/courses/{course.slug}/lessons/{lesson.pk}/"
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
    assert {s.object_activity for s in satisfied} == {
        cmi5_services.lms_id("block", BLOCK),
        cmi5_services.lms_id("course", COURSE_IRI),
    }

    # Review: the AU is told so, sends only initialized and terminated, nothing changes.
    page.get_by_role("button", name="Review “Introduction”").click()
    au = page.frame_locator("iframe.package-frame")
    expect(au.locator("#mode")).to_have_text("Review")
    expect(page.get_by_text("You are reviewing this activity")).to_be_visible()
    au.get_by_role("button", name="Finish the lesson").click()
    expect(page.get_by_role("button", name="Review “Introduction”")).to_be_visible()
    review = Cmi5Session.objects.latest("pk")
    assert eventually(lambda: Cmi5Session.objects.get(pk=review.pk).terminated_at is not None)
    assert Cmi5Session.objects.get(pk=review.pk).verbs == ["initialized", "terminated"]
    assert ScoState.objects.get(pk=state.pk).updated_at == state.updated_at
    assert Statement.objects.filter(verb_id=cmi5_services.VERBS["satisfied"]).count() == 2
    assert errors == []


def test_an_own_window_au_opens_and_closes_its_window(new_page, settings, live_server):
    body = au_xml(attributes='moveOn="CompletedAndPassed" launchMethod="OwnWindow"')
    course, lesson, enrollment = setup_course(
        settings, live_server, cmi5(cmi5_xml(body)), "Fire safety"
    )
    errors: list[str] = []
    page = watch(sign_in(new_page(), "learner@example.com", PASSWORD), errors)
    page.goto(f"/scorm/courses/{course.slug}/lessons/{lesson.pk}/")
    expect(page.get_by_text("(opens in a new window)")).to_be_visible()
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Open “Introduction”").click()
    window = watch(opened.value, errors)
    expect(window.locator("#state")).to_have_text("ready")
    # The AU has the whole window, on the content origin.
    assert window.url.startswith(settings.LECTIO_CONTENT_ORIGIN)
    assert page.url.endswith(f"/scorm/courses/{course.slug}/lessons/{lesson.pk}/")
    window.get_by_role("button", name="Finish the lesson").click()
    # returnURL closes the AU's window (or, where a browser refuses, says it may be closed).
    window.wait_for_event("close")
    assert eventually(
        lambda: LessonProgress.objects.filter(
            enrollment=enrollment, lesson=lesson, status=LessonProgress.Status.COMPLETED
        ).exists()
    )
    # Back in the first window, the list shows the AU done.
    page.bring_to_front()
    page.reload()
    expect(page.get_by_role("button", name="Review “Introduction”")).to_be_visible()
    expect(page.locator(".cmi5-aus .badge")).to_have_text("Done")
    assert errors == []


def test_the_author_previews_an_au_without_tracking(new_page, settings, live_server):
    _course, lesson, enrollment = setup_course(settings, live_server, cmi5(), "Fire safety")
    errors: list[str] = []
    page = watch(sign_in(new_page(), "i@example.com", PASSWORD), errors)
    page.goto(f"/author/lessons/{lesson.pk}/")
    page.get_by_role("button", name="Preview “Introduction”").click()
    expect(page.get_by_text("Preview: what you do here is not recorded")).to_be_visible()
    au = page.frame_locator("iframe.package-frame")
    expect(au.locator("#state")).to_have_text("ready")
    expect(au.locator("#mode")).to_have_text("Browse")
    au.get_by_role("button", name="Finish the lesson").click()
    # returnURL: back to the lesson editor.
    page.wait_for_url(f"{live_server.url}/author/lessons/{lesson.pk}/")
    session = Cmi5Session.objects.get()
    assert eventually(lambda: Cmi5Session.objects.get(pk=session.pk).terminated_at is not None)
    assert Cmi5Session.objects.get(pk=session.pk).verbs == ["initialized", "terminated"]
    assert Cmi5Registration.objects.get().enrollment is None
    assert not ScoState.objects.exists()
    assert not LessonProgress.objects.filter(enrollment=enrollment).exists()
    assert errors == []
