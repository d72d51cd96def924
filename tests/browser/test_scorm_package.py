"""SCORM packages in real Chromium: our own SCOs call scorm-again's API from their frame
on the content origin; we suspend, reload, resume, complete and check stored progress."""

import io
import time

import pytest
from playwright.sync_api import expect

from lectio.accounts import services as accounts
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import LessonProgress
from lectio.scorm import services as scorm
from lectio.scorm.models import ScoState
from tests.browser.helpers import sign_in
from tests.helpers import PASSWORD
from tests.scorm.builders import scorm12, scorm2004

pytestmark = pytest.mark.browser


def setup_course(settings, live_server, data: bytes, title: str):
    # The site is http://localhost:PORT; packages come from http://127.0.0.1:PORT, another
    # host name, so the site's cookies never reach them.
    port = live_server.url.rsplit(":", 1)[1]
    settings.SITE_URL = live_server.url
    settings.LECTIO_CONTENT_ORIGIN = f"http://127.0.0.1:{port}"
    instructor = accounts.create_person(
        email="i@example.com", full_name="Ina Instructor", password=PASSWORD, roles=["instructor"]
    )
    learner = accounts.create_person(
        email="learner@example.com", full_name="Leyla Learner", password=PASSWORD
    )
    course = catalog.create_course(title=title, by=instructor)
    module = catalog.add_module(course, title="Module")
    lesson = catalog.add_lesson(module, title="Interactive lesson", kind_name="package")
    scorm.import_package(lesson, io.BytesIO(data), size=len(data), file_name="p.zip", by=instructor)
    catalog.publish_course(course, by=instructor)
    course.refresh_from_db()
    enrollment = learning.enroll(learner, course, source="self")
    return course, lesson, enrollment


def eventually(check, seconds: float = 10.0):
    """The final commit goes by beacon (asynchronous): wait for the server to store it."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def completed(enrollment, lesson) -> bool:
    return LessonProgress.objects.filter(
        enrollment=enrollment, lesson=lesson, status=LessonProgress.Status.COMPLETED
    ).exists()


def sco_frame(page):
    return page.frame_locator("iframe.package-frame").frame_locator("iframe[data-sco-frame]")


def test_a_scorm_12_package_suspends_resumes_and_completes(new_page, settings, live_server):
    course, lesson, enrollment = setup_course(settings, live_server, scorm12(), "Safety")
    errors: list[str] = []
    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/")
    page.get_by_role("link", name="Open the package").click()
    sco = sco_frame(page)
    expect(sco.locator("#state")).to_have_text("ready")
    expect(sco.locator("#entry")).to_have_text("ab-initio")
    expect(sco.locator("#name")).to_have_text("Learner, Leyla")
    expect(sco.locator("#mastery")).to_have_text("80")
    expect(sco.locator("#launch")).to_have_text("mode=standard")
    # The package cannot read the site's cookies: it runs on another host name.
    cookies = sco.locator("body").evaluate("() => document.cookie")
    assert cookies == ""
    origin = sco.locator("body").evaluate("() => location.origin")
    assert origin == settings.LECTIO_CONTENT_ORIGIN

    sco.get_by_role("button", name="Answer correctly").click()
    expect(sco.locator("#state")).to_have_text("saved")
    saved = ScoState.objects.filter(
        enrollment=enrollment,
        sco="item1",
        cmi__suspend_data="answered=yes",
        cmi__core__lesson_location="question-2",
    )
    assert eventually(saved.exists)

    # A change the SCO never committed still arrives: the page-hide beacon sends it.
    sco.get_by_role("button", name="Move on").click()
    expect(sco.locator("#state")).to_have_text("moved")
    page.reload()
    sco = sco_frame(page)
    expect(sco.locator("#state")).to_have_text("ready")
    expect(sco.locator("#entry")).to_have_text("resume")
    expect(sco.locator("#location")).to_have_text("question-3")
    expect(sco.locator("#suspend")).to_have_text("answered=yes")

    sco.get_by_role("button", name="Finish").click()
    expect(sco.locator("#state")).to_have_text("finished")
    assert eventually(lambda: completed(enrollment, lesson))  # completed, raw 90 ≥ mastery 80
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    assert progress.active_seconds > 0
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert errors == []


def test_a_scorm_2004_package_flows_between_scos_and_rolls_up(new_page, settings, live_server):
    course, lesson, enrollment = setup_course(
        settings, live_server, scorm2004(choice=False), "Fire safety"
    )
    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.goto(f"/scorm/courses/{course.slug}/lessons/{lesson.pk}/")
    player = page.frame_locator("iframe.package-frame")
    sco = sco_frame(page)
    expect(sco.locator("h1")).to_have_text("Alarm")
    expect(sco.locator("#entry")).to_have_text("ab-initio")
    expect(sco.locator("#passing")).to_have_text("0.8")
    # choice="false": the contents list items but does not let the learner jump.
    expect(player.get_by_role("button", name="Exits")).to_be_disabled()
    expect(player.get_by_role("button", name="Previous")).to_be_disabled()

    sco.get_by_role("button", name="Suspend here").click()
    expect(sco.locator("#state")).to_have_text("saved")
    page.reload()
    sco = sco_frame(page)
    expect(sco.locator("#entry")).to_have_text("resume")
    expect(sco.locator("#location")).to_have_text("page-2")
    expect(sco.locator("#suspend")).to_have_text("Alarm:half")
    expect(sco.locator("#objective")).to_have_text("Alarm_obj:passed")
    # SCORM 2004 interactions are read-write: a resumed attempt gets them back.
    expect(sco.locator("#interaction")).to_have_text("Alarm_q1:stairs:correct")

    # The SCO asks to continue when it terminates: the player moves to the next SCO.
    sco.get_by_role("button", name="Pass and continue").click()
    expect(sco.locator("h1")).to_have_text("Exits")
    expect(player.locator("[data-current]")).to_have_text("Exits")
    expect(player.get_by_role("button", name="Previous")).to_be_enabled()
    assert eventually(
        lambda: LessonProgress.objects.filter(
            enrollment=enrollment, lesson=lesson, percent=50
        ).exists()
    )
    assert not completed(enrollment, lesson)

    sco.get_by_role("button", name="Complete with 60").click()
    expect(sco.locator("#state")).to_have_text("finished")
    assert eventually(lambda: completed(enrollment, lesson))
    alarm = ScoState.objects.get(enrollment=enrollment, sco="alarm")
    assert (alarm.completion, alarm.score_scaled) == ("completed", 0.9)


def test_scorm_2004_choice_lets_the_learner_jump_and_come_back(new_page, settings, live_server):
    course, lesson, enrollment = setup_course(
        settings, live_server, scorm2004(choice=True, drill=True), "Fire drill"
    )
    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.goto(f"/scorm/courses/{course.slug}/lessons/{lesson.pk}/")
    player = page.frame_locator("iframe.package-frame")
    sco = sco_frame(page)
    expect(sco.locator("h1")).to_have_text("Alarm")
    sco.get_by_role("button", name="Suspend here").click()
    expect(sco.locator("#state")).to_have_text("saved")
    player.get_by_role("button", name="Drill").click()
    expect(sco.locator("h1")).to_have_text("Drill")
    expect(player.locator("[data-current]")).to_have_text("Drill")
    player.get_by_role("button", name="Previous").click()
    expect(sco.locator("h1")).to_have_text("Exits")
    player.get_by_role("button", name="Alarm").click()
    expect(sco.locator("h1")).to_have_text("Alarm")
    expect(sco.locator("#entry")).to_have_text("resume")
    expect(sco.locator("#suspend")).to_have_text("Alarm:half")
    assert eventually(
        lambda: ScoState.objects.filter(enrollment=enrollment, lesson=lesson).count() == 3
    )


def test_the_demo_package_plays_to_completion(new_page, settings, live_server):
    from lectio.scorm.demo import package_zip

    course, lesson, enrollment = setup_course(settings, live_server, package_zip(), "Demo")
    page = sign_in(new_page(), "learner@example.com", PASSWORD)
    page.goto(f"/scorm/courses/{course.slug}/lessons/{lesson.pk}/")
    player = page.frame_locator("iframe.package-frame")
    sco = sco_frame(page)
    for hazard in ("A fire door wedged open", "A cable across the floor"):
        sco.get_by_role("button", name=hazard).click()
    expect(sco.locator("#count")).to_have_text("2")
    page.reload()  # found hazards come back from suspend data
    sco = sco_frame(page)
    expect(sco.locator("#count")).to_have_text("2")
    sco.get_by_role("button", name="Boxes stacked in front of the exit").click()
    expect(sco.locator("#count")).to_have_text("3")
    player.get_by_role("button", name="Next").click()
    expect(sco.locator("h1")).to_have_text("Drill check")
    sco.get_by_label("Leave by the nearest exit").check()
    sco.get_by_label("The assembly point").check()
    sco.get_by_label("No", exact=True).check()
    sco.get_by_role("button", name="Check my answers").click()
    expect(sco.locator("#result")).to_have_text("3 of 3 right.")
    assert eventually(lambda: completed(enrollment, lesson))


def test_an_author_uploads_a_package_in_the_lesson_editor(new_page, tmp_path):
    instructor = accounts.create_person(
        email="i@example.com", full_name="Ina Instructor", password=PASSWORD, roles=["instructor"]
    )
    course = catalog.create_course(title="Safety", by=instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="Module"), title="Interactive", kind_name="package"
    )
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"not a zip")
    good = tmp_path / "safety.zip"
    good.write_bytes(scorm12())
    page = sign_in(new_page(), "i@example.com", PASSWORD)
    page.goto(f"/author/lessons/{lesson.pk}/")
    page.get_by_label("Package (zip)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload package").click()
    expect(page.get_by_role("alert")).to_have_text("The file is not a readable zip archive.")
    expect(page.get_by_role("link", name="← Interactive")).to_be_visible()  # a whole page
    page.get_by_label("Package (zip)").set_input_files(str(good))
    page.get_by_role("button", name="Upload package").click()
    expect(page.get_by_text("The package “Safety basics” is ready.")).to_be_visible()
    expect(page.get_by_text("SCORM 1.2", exact=True)).to_be_visible()
    lesson.refresh_from_db()
    assert lesson.content["package"]


def test_an_author_previews_a_package_in_browse_mode_and_nothing_is_kept(
    new_page, settings, live_server
):
    _course, lesson, _enrollment = setup_course(
        settings, live_server, scorm2004(choice=False), "Fire safety"
    )
    page = sign_in(new_page(), "i@example.com", PASSWORD)
    page.goto(f"/author/lessons/{lesson.pk}/")
    page.get_by_role("link", name="Preview the package").click()
    expect(page.get_by_role("status")).to_contain_text("nothing it sends is kept")
    sco = sco_frame(page)
    expect(sco.locator("h1")).to_have_text("Alarm")
    expect(sco.locator("#mode")).to_have_text("browse")
    expect(sco.locator("#entry")).to_have_text("ab-initio")
    sco.get_by_role("button", name="Suspend here").click()
    expect(sco.locator("#state")).to_have_text("saved")  # the commit was answered
    sco.get_by_role("button", name="Pass and continue").click()
    expect(sco.locator("h1")).to_have_text("Exits")  # navigation works as for learners
    page.reload()
    expect(sco_frame(page).locator("#entry")).to_have_text("ab-initio")  # nothing resumed
    assert not ScoState.objects.exists()
    assert not LessonProgress.objects.filter(lesson=lesson).exists()
