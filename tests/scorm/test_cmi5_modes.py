"""cmi5 details: the fetch URL's error answers (cmi5 8.2.2, 8.2.3), the launch modes
Review (a learner revisits a satisfied AU) and Browse (an author previews one), the
launchMethod (AnyWindow plays in our player page's frame, OwnWindow has its own window)
and the returnURL page that brings each back."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from lectio.learning.models import LessonProgress
from lectio.scorm import cmi5_services
from lectio.scorm.models import Cmi5Registration, Cmi5Session, ScoState
from lectio.xapi import services as xapi
from lectio.xapi.models import Statement
from tests.scorm.builders import AU1, AU2, COURSE_IRI, au_xml, cmi5, cmi5_xml
from tests.scorm.conftest import CONTENT, SITE, package_course
from tests.scorm.test_cmi5_launch import Launched, au_address, launch, ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(cast):
    return package_course(cast, cmi5(), title="Fire safety")


@pytest.fixture
def site(cast) -> Client:
    client = Client(HTTP_HOST=SITE)
    client.force_login(cast.learner)
    return client


@pytest.fixture
def author(cast) -> Client:
    client = Client(HTTP_HOST=SITE)
    client.force_login(cast.instructor)
    return client


def lesson_url(played, rest: str = "") -> str:
    return f"/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}/{rest}"


def finish(launched: Launched) -> None:
    response = launched.send(
        launched.statement("completed", {"completion": True}, moveon=True),
        launched.statement("passed", {"success": True, "score": {"scaled": 0.9}}, moveon=True),
        launched.statement("terminated"),
    )
    assert response.status_code == 200, response.content


def launch_data(launched: Launched) -> dict:
    return xapi.get_state(
        launched.params["activityId"],
        launched.actor,
        "LMS.LaunchData",
        registration=launched.registration,
    )


def launched_statement(session: Cmi5Session) -> dict:
    return next(
        s.data
        for s in Statement.objects.filter(verb_id=cmi5_services.VERBS["launched"])
        if s.data.get("context", {}).get("extensions", {}).get(cmi5_services.SESSION_ID)
        == str(session.session_id)
    )


# The fetch URL's answers (cmi5 8.2) --------------------------------------------------


def test_a_second_fetch_answers_200_with_error_code_1(site, played, content):
    launched = launch(site, played)
    assert "auth-token" in launched.fetch(content).json()
    second = launched.fetch(content)
    assert second.status_code == 200
    assert second["Content-Type"] == "application/json"
    assert second.json()["error-code"] == "1"
    assert Cmi5Session.objects.get().credential_key  # the first credential stays


def test_fetching_for_an_ended_session_answers_error_code_1(site, played, content):
    first = launch(site, played)
    launch(site, played)  # the first session is abandoned
    response = first.fetch(content)
    assert response.status_code == 200
    assert response.json() == {
        "error-code": "1",
        "error-text": "The AU session has ended: launch the AU again.",
    }
    assert Cmi5Session.objects.get(pk=first.session.pk).fetched_at is None


def test_an_expired_launch_answers_error_code_1(site, played, content, settings):
    launched = launch(site, played)
    settings.LECTIO_PACKAGE_TOKEN_SECONDS = -1
    response = launched.fetch(content)
    assert response.status_code == 200
    assert response.json()["error-code"] == "1"
    assert "expired" in response.json()["error-text"]
    assert Cmi5Session.objects.get().fetched_at is None


def test_an_unknown_session_or_token_answers_error_code_2(site, played, content):
    launched = launch(site, played)
    path = urlsplit(launched.params["fetch"]).path
    for wrong in (
        path.replace(str(launched.session.session_id), "nope"),
        path.replace(str(launched.session.session_id), "6b2d4d0c-3d36-4b7a-a1c8-1f1f1f1f1f1f"),
        path.replace("/c/", "/c/x", 1),  # a forged token
    ):
        response = content.post(wrong)
        assert response.status_code == 200, wrong
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"error-code": "2", "error-text": response.json()["error-text"]}
    assert Cmi5Session.objects.get().fetched_at is None


def test_another_learners_session_answers_error_code_2(site, played, content, cast):
    from lectio.learning import services as learning

    launched = launch(site, played)
    learning.enroll(cast.outsider, played.course, source="self")
    other = Client(HTTP_HOST=SITE)
    other.force_login(cast.outsider)
    theirs = launch(other, played)
    # Their token with our session id: not a session of their launch.
    path = urlsplit(theirs.params["fetch"]).path.replace(
        str(theirs.session.session_id), str(launched.session.session_id)
    )
    assert content.post(path).json()["error-code"] == "2"


def test_the_fetch_url_refuses_other_methods_with_405(site, played, content):
    launched = launch(site, played)
    path = urlsplit(launched.params["fetch"]).path
    for method in (content.get, content.put, content.delete):
        response = method(path)
        assert response.status_code == 405
        assert response["Allow"] == "POST, OPTIONS"
        assert response.json()["error-code"] == "3"
    preflight = content.options(path)
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert Client(HTTP_HOST=SITE).post(path).status_code == 404  # the site's host
    assert Cmi5Session.objects.get().fetched_at is None
    assert "auth-token" in launched.fetch(content).json()


# The launched statement ----------------------------------------------------------------


def test_launched_carries_the_mastery_score(site, played):
    launched = launch(site, played)
    extensions = launched_statement(launched.session)["context"]["extensions"]
    assert extensions[cmi5_services.EXT + "masteryscore"] == 0.8
    assert extensions[cmi5_services.EXT + "launchurl"].startswith(f"http://{CONTENT}/scorm/c/")
    assert "?" not in extensions[cmi5_services.EXT + "launchurl"]


# Review ----------------------------------------------------------------------------------


def test_a_satisfied_au_is_relaunched_in_review(site, played, content):
    finish(ready(site, played, content))
    page = site.get(lesson_url(played)).content.decode()
    assert "Review “Introduction”" in page
    assert "Reviewing does not change your result." in page
    state = ScoState.objects.get(sco=AU1)
    progress = LessonProgress.objects.get(enrollment=played.enrollment, lesson=played.lesson)
    statements = Statement.objects.count()

    review = launch(site, played)
    assert review.registration == str(Cmi5Registration.objects.get().key)
    assert launch_data(review)["launchMode"] == "Review"
    extensions = launched_statement(review.session)["context"]["extensions"]
    assert extensions[cmi5_services.EXT + "launchmode"] == "Review"
    assert review.session.launch_mode == "Review"
    player = site.get(lesson_url(played, f"au/play/{review.session.session_id}/"))
    assert "You are reviewing this activity" in player.content.decode()

    review.token = review.fetch(content).json()["auth-token"]
    assert review.send(review.statement("initialized")).status_code == 200
    for refused in (
        review.statement("completed", {"completion": True}, moveon=True),
        review.statement("passed", {"success": True, "score": {"scaled": 1.0}}, moveon=True),
        review.statement("failed", {"success": False, "score": {"scaled": 0.1}}, moveon=True),
    ):
        response = review.send(refused)
        assert response.status_code == 403
        assert "may only be sent in Normal launch mode (this session is Review)" in (
            response.content.decode()
        )
    assert review.send(review.statement("experienced")).status_code == 200
    assert review.send(review.statement("terminated")).status_code == 200

    # "experienced" is a cmi5 allowed statement: stored, not one of the session's verbs.
    assert Cmi5Session.objects.get(pk=review.session.pk).verbs == ["initialized", "terminated"]
    again = ScoState.objects.get(sco=AU1)
    assert (again.completion, again.success, again.score_scaled, again.updated_at) == (
        state.completion,
        state.success,
        state.score_scaled,
        state.updated_at,
    )
    after = LessonProgress.objects.get(pk=progress.pk)
    assert (after.status, after.percent, after.completed_at, after.last_report_at) == (
        progress.status,
        progress.percent,
        progress.completed_at,
        progress.last_report_at,
    )
    # launched (+ its LRS bookkeeping) and the AU's three statements; no satisfied again.
    verbs = [
        s.verb_id.rsplit("/", 1)[1] for s in Statement.objects.order_by("stored", "pk")[statements:]
    ]
    assert "satisfied" not in verbs
    assert verbs[-3:] == ["initialized", "experienced", "terminated"]


def test_an_au_not_yet_satisfied_launches_in_normal(site, played, content):
    launched = ready(site, played, content)
    launched.send(launched.statement("completed", {"completion": True}, moveon=True))
    # CompletedAndPassed: completed alone is not satisfied, so the next launch is Normal.
    again = launch(site, played)
    assert launch_data(again)["launchMode"] == "Normal"
    assert "Open “Introduction”" in site.get(lesson_url(played)).content.decode()


def test_once_the_course_is_satisfied_every_au_is_reviewed(cast, site, content):
    body = au_xml() + au_xml(
        AU2, url="au/index.html?part=2", attributes='moveOn="NotApplicable"'
    ).replace("Introduction", "Extra reading")
    played = package_course(cast, cmi5(cmi5_xml(body)), title="Fire safety")
    # Before the course is satisfied, the optional AU is open in Normal mode.
    optional = launch(site, played, index=1)
    assert launch_data(optional)["launchMode"] == "Normal"
    finish(ready(site, played, content))
    assert COURSE_IRI in Cmi5Registration.objects.get().satisfied
    page = site.get(lesson_url(played)).content.decode()
    assert "Review “Extra reading”" in page
    assert launch_data(launch(site, played, index=1))["launchMode"] == "Review"


# Browse: the author's preview ----------------------------------------------------------


def preview(client: Client, played, index: int = 0):
    return client.post(f"/scorm/lessons/{played.lesson.pk}/package/au/{index}/preview/")


def test_the_author_previews_an_au_in_browse_mode(author, played, content, cast):
    panel = author.get(
        f"/scorm/lessons/{played.lesson.pk}/package/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "Preview “Introduction”" in panel
    response = preview(author, played)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/scorm/lessons/{played.lesson.pk}/package/preview/")
    page = author.get(response["Location"])
    assert "Preview: what you do here is not recorded" in page.content.decode()
    launched = Launched(au_address(page))
    assert launched.actor["account"]["name"] == str(cast.instructor.pk)
    registration = Cmi5Registration.objects.get()
    assert registration.enrollment is None and registration.previewer == cast.instructor
    assert launched.registration == str(registration.key)
    data = launch_data(launched)
    assert data["launchMode"] == "Browse"
    assert (
        data["returnURL"]
        == f"http://{SITE}/scorm/lessons/{played.lesson.pk}/package/preview/return/"
    )
    extensions = launched_statement(launched.session)["context"]["extensions"]
    assert extensions[cmi5_services.EXT + "launchmode"] == "Browse"
    # The AU's files come from the content origin with the preview's token.
    files = content.get(launched.path)
    assert files.status_code == 200
    assert b"Fire safety" in b"".join(files.streaming_content)

    launched.token = launched.fetch(content).json()["auth-token"]
    assert launched.send(launched.statement("initialized")).status_code == 200
    refused = launched.send(launched.statement("completed", {"completion": True}, moveon=True))
    assert refused.status_code == 403
    assert "this session is Browse" in refused.content.decode()
    assert launched.send(launched.statement("terminated")).status_code == 200
    assert Cmi5Session.objects.get().terminated_at is not None
    # No one's progress moved.
    assert not ScoState.objects.exists()
    assert not LessonProgress.objects.filter(lesson=played.lesson).exists()
    assert not Statement.objects.filter(verb_id=cmi5_services.VERBS["satisfied"]).exists()


def test_the_author_previews_a_package_not_yet_published(cast, author, content):
    from lectio.catalog import services as catalog
    from tests.scorm.conftest import upload

    course = catalog.create_course(title="Draft", by=cast.instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="M"), title="L", kind_name="package"
    )
    upload(lesson, cmi5(), cast.instructor)
    response = author.post(f"/scorm/lessons/{lesson.pk}/package/au/0/preview/")
    assert response.status_code == 302
    launched = Launched(au_address(author.get(response["Location"])))
    assert "auth-token" in launched.fetch(content).json()


def test_only_the_courses_authors_preview(played, cast, site):
    assert preview(site, played).status_code == 404  # the enrolled learner
    for person in (cast.outsider, cast.manager):
        client = Client(HTTP_HOST=SITE)
        client.force_login(person)
        assert preview(client, played).status_code == 404
    assert not Cmi5Session.objects.exists()


def test_a_preview_ends_when_the_author_loses_the_course(author, played, content, cast):
    launched = Launched(au_address(author.get(preview(author, played)["Location"])))
    cast.instructor.is_active = False
    cast.instructor.save(update_fields=["is_active"])
    assert content.get(launched.path).status_code == 404
    assert launched.fetch(content).json()["error-code"] == "2"


def test_an_unknown_au_or_another_authors_session_is_not_found(author, played, cast):
    assert preview(author, played, index=5).status_code == 404
    location = preview(author, played)["Location"]
    other = Client(HTTP_HOST=SITE)
    other.force_login(cast.admin)
    assert other.get(location).status_code == 404  # not their preview session


def test_a_preview_session_left_open_is_abandoned(author, played, content, settings):
    launched = Launched(au_address(author.get(preview(author, played)["Location"])))
    launched.token = launched.fetch(content).json()["auth-token"]
    assert launched.send(launched.statement("initialized")).status_code == 200
    settings.LECTIO_CMI5_ABANDON_SECONDS = 60
    assert cmi5_services.abandon_stale(timezone.now() + timedelta(hours=1)) == 1
    abandoned = Statement.objects.get(verb_id=cmi5_services.VERBS["abandoned"])
    assert abandoned.data["actor"] == launched.actor


# launchMethod and returnURL ------------------------------------------------------------


def own_window_course(cast):
    body = au_xml(attributes='moveOn="Completed" launchMethod="OwnWindow"')
    return package_course(cast, cmi5(cmi5_xml(body)), title="Fire safety")


def test_an_any_window_au_plays_in_a_frame_of_the_player_page(site, played):
    response = site.post(lesson_url(played, "au/0/"))
    page = site.get(response["Location"])
    assert '<iframe class="package-frame"' in page.content.decode()
    assert not page.has_header("Refresh")
    assert f"frame-src 'self' http://{CONTENT}" in page["Content-Security-Policy"]
    launched = Launched(au_address(page))
    assert launched.host == CONTENT
    assert launch_data(launched)["returnURL"] == f"http://{SITE}" + lesson_url(played, "au/return/")
    # The list's form stays in this window.
    listing = site.get(lesson_url(played)).content.decode()
    assert 'target="_blank"' not in listing


def test_an_own_window_au_opens_in_a_new_window(cast, site):
    played = own_window_course(cast)
    listing = site.get(lesson_url(played)).content.decode()
    assert 'target="_blank"' in listing
    assert "(opens in a new window)" in listing
    page = site.get(site.post(lesson_url(played, "au/0/"))["Location"])
    # The new window goes straight to the AU; it is not framed.
    assert "<iframe" not in page.content.decode()
    launched = Launched(au_address(page))
    assert launched.host == CONTENT
    assert launched.params["activityId"] == cmi5_services.lms_id("au", AU1)
    assert launch_data(launched)["returnURL"] == (
        f"http://{SITE}" + lesson_url(played, "au/return/") + "?window=own"
    )


def test_the_player_page_is_good_for_one_launch(site, played, content):
    location = site.post(lesson_url(played, "au/0/"))["Location"]
    launched = Launched(au_address(site.get(location)))
    launched.fetch(content)
    # A reload would give the AU a used fetch URL: back to the list instead.
    again = site.get(location)
    assert again.status_code == 302
    assert again["Location"] == lesson_url(played)


def test_the_player_page_is_the_learners_own(site, played, cast):
    location = site.post(lesson_url(played, "au/0/"))["Location"]
    other = Client(HTTP_HOST=SITE)
    other.force_login(cast.outsider)
    assert other.get(location).status_code == 404


def test_the_return_page_leaves_the_frame_and_names_the_way_back(site, played):
    page = site.get(lesson_url(played, "au/return/"))
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    text = page.content.decode()
    assert f'data-target="{lesson_url(played)}"' in text
    assert "js/cmi5-return" in text
    assert "data-own-window" not in text
    own = site.get(lesson_url(played, "au/return/") + "?window=own").content.decode()
    assert "data-own-window" in own and "You can close this window." in own


def test_the_return_page_needs_no_session_and_reveals_nothing(played, cast):
    # The AU's frame (content origin) navigates here cross-site: no SameSite cookies.
    anonymous = Client(HTTP_HOST=SITE)
    page = anonymous.get(lesson_url(played, "au/return/"))
    assert page.status_code == 200
    assert f'data-target="{lesson_url(played)}"' in page.content.decode()
    assert "Fire safety" not in page.content.decode()
    # The page it sends the window to checks who may see it.
    assert anonymous.get(lesson_url(played)).status_code == 302


def test_the_preview_return_page_goes_back_to_the_lesson_editor(author, played, site):
    url = f"/scorm/lessons/{played.lesson.pk}/package/preview/return/"
    page = author.get(url)
    assert page.status_code == 200
    assert f'data-target="/author/lessons/{played.lesson.pk}/"' in page.content.decode()
    assert site.get(f"/author/lessons/{played.lesson.pk}/").status_code in (403, 404)


# The rest of the LMS's obligations ------------------------------------------------------


def test_the_auth_token_lasts_only_the_session(site, played, content):
    import base64

    launched = ready(site, played, content)
    key, _, secret = base64.b64decode(launched.token).decode().partition(":")
    assert xapi.authenticate(key, secret) is not None
    launched.send(launched.statement("terminated"))
    # A short grace for state written while the AU unloads (cmi5 9.3.8), then no more.
    client = xapi.authenticate(key, secret)
    assert client is not None
    assert client.expires_at <= timezone.now() + cmi5_services.CREDENTIAL_GRACE
    other = ready(site, played, content)
    okey, _, osecret = base64.b64decode(other.token).decode().partition(":")
    launch(site, played)  # abandons the open session: its token ends now
    assert xapi.authenticate(okey, osecret) is None


def test_waived_and_satisfied_statements_follow_the_lms_rules(cast, site):
    body = au_xml(attributes='moveOn="NotApplicable"')
    played = package_course(cast, cmi5(cmi5_xml(body)), title="Fire safety")
    launch(site, played)
    waived = Statement.objects.get(verb_id=cmi5_services.VERBS["waived"])
    satisfied = Statement.objects.get(verb_id=cmi5_services.VERBS["satisfied"])
    # 9.3.7: a session id of the waived statement's own; 9.6.1: satisfied outside an AU
    # session gets one the LMS makes up, neither the AU's launch session.
    sessions = {
        waived.data["context"]["extensions"][cmi5_services.SESSION_ID],
        satisfied.data["context"]["extensions"][cmi5_services.SESSION_ID],
        str(Cmi5Session.objects.get().session_id),
    }
    assert len(sessions) == 3
    assert satisfied.data["object"]["definition"]["type"] == (
        "https://w3id.org/xapi/cmi5/activitytype/course"
    )


def test_satisfied_names_the_block_and_course_activity_types(site, played, content):
    finish(ready(site, played, content))
    types = {
        s.object_activity: s.data["object"]["definition"]["type"]
        for s in Statement.objects.filter(verb_id=cmi5_services.VERBS["satisfied"])
    }
    assert types == {
        cmi5_services.lms_id("block", "https://example.com/courses/fire-safety/block/basics"): (
            "https://w3id.org/xapi/cmi5/activitytype/block"
        ),
        cmi5_services.lms_id("course", COURSE_IRI): (
            "https://w3id.org/xapi/cmi5/activitytype/course"
        ),
    }
    # Each names the publisher's id of its block or course in grouping (9.6.2.3).
    groupings = {
        s.data["context"]["contextActivities"]["grouping"][0]["id"]
        for s in Statement.objects.filter(verb_id=cmi5_services.VERBS["satisfied"])
    }
    assert groupings == {"https://example.com/courses/fire-safety/block/basics", COURSE_IRI}


def test_cmi5_statements_name_the_lms_activity_id_not_the_publishers(site, played, content):
    launched = ready(site, played, content)
    statement = launched.statement("completed", {"completion": True}, moveon=True)
    statement["object"]["id"] = AU1  # the publisher's id (9.4: must match activityId)
    response = launched.send(statement)
    assert response.status_code == 403
    assert "must have the AU (activityId) as object" in response.content.decode()
    template = launch_data(launched)["contextTemplate"]
    assert template["contextActivities"]["grouping"] == [{"id": AU1}]
    launched_context = launched_statement(launched.session)["context"]
    assert launched_context["contextActivities"]["grouping"] == [{"id": AU1}]


def test_launching_another_au_abandons_the_open_session(cast, site, content):
    body = au_xml() + au_xml(AU2, url="au/index.html?part=2")
    played = package_course(cast, cmi5(cmi5_xml(body)), title="Fire safety")
    first = ready(site, played, content)
    launch(site, played, index=1)  # 9.3.6: a launch of a different AU in the registration
    assert Cmi5Session.objects.get(pk=first.session.pk).abandoned_at is not None
    abandoned = Statement.objects.get(verb_id=cmi5_services.VERBS["abandoned"])
    assert abandoned.object_activity == cmi5_services.lms_id("au", AU1)
    # Its credential ended with it (8.2.1): the AU is no longer known to the LRS.
    assert first.send(first.statement("terminated")).status_code == 401


RESULT_RULES = [
    ("void", "an AU may not void statements"),
    ("passed-after-failed", "passed may not follow passed or failed in the same session"),
    ("score-on-completed", "completed may not include a score"),
    ("success-on-completed", "completed may not include result.success"),
    ("completion-on-passed", "passed may not include result.completion"),
    ("moveon-on-terminated", "terminated may not have the moveOn category"),
]


@pytest.mark.parametrize(("case", "rule"), RESULT_RULES, ids=[r[0] for r in RESULT_RULES])
def test_it_refuses_what_cmi5_rules_out(site, played, content, case, rule):
    launched = ready(site, played, content)
    if case == "passed-after-failed":
        failed = launched.statement(
            "failed", {"success": False, "score": {"scaled": 0.2}}, moveon=True
        )
        assert launched.send(failed).status_code == 200
    made = {
        "void": {
            **launched.statement("initialized"),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {
                "objectType": "StatementRef",
                "id": str(Statement.objects.first().statement_id),
            },
        },
        "passed-after-failed": launched.statement(
            "passed", {"success": True, "score": {"scaled": 0.9}}, moveon=True
        ),
        "score-on-completed": launched.statement(
            "completed", {"completion": True, "score": {"scaled": 0.9}}, moveon=True
        ),
        "success-on-completed": launched.statement(
            "completed", {"completion": True, "success": True}, moveon=True
        ),
        "completion-on-passed": launched.statement(
            "passed", {"success": True, "completion": True}, moveon=True
        ),
        "moveon-on-terminated": launched.statement("terminated", moveon=True),
    }[case]
    before = Statement.objects.count()
    response = launched.send(made)
    assert response.status_code == 403
    assert rule in response.content.decode()
    assert Statement.objects.count() == before
    assert not Statement.objects.filter(voided=True).exists()


def test_an_aus_own_query_string_is_merged_with_the_launch_parameters(cast, site, content):
    played = package_course(
        cast, cmi5(cmi5_xml(au_xml(url="au/index.html?part=2&amp;lang=tr"))), title="Fire safety"
    )
    launched = launch(site, played)
    assert launched.path.endswith("/files/au/index.html")
    assert (launched.params["part"], launched.params["lang"]) == ("2", "tr")
    assert launched.params["activityId"] == cmi5_services.lms_id("au", AU1)
    # The file is there, and launchurl keeps the AU's own query, not the cmi5 names.
    response = content.get(launched.path + "?part=2&lang=tr")
    assert response.status_code == 200
    launch_url = launched_statement(launched.session)["context"]["extensions"][
        cmi5_services.EXT + "launchurl"
    ]
    assert launch_url.endswith("/files/au/index.html?part=2&lang=tr")


def test_the_player_pages_have_bounded_queries(site, author, played, django_assert_max_num_queries):
    location = site.post(lesson_url(played, "au/0/"))["Location"]
    with django_assert_max_num_queries(8):
        assert site.get(location).status_code == 200
    location = preview(author, played)["Location"]
    with django_assert_max_num_queries(8):
        assert author.get(location).status_code == 200
