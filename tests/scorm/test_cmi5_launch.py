"""cmi5 launches: the launch parameters, the one-time fetch, LMS.LaunchData, the statements
the LMS writes (launched, satisfied, waived, abandoned), the AU's statements checked against
the cmi5 rules, and moveOn deciding completion through the one write path."""

import base64
import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lectio.learning.models import LessonProgress
from lectio.scorm import cmi5_services
from lectio.scorm.models import Cmi5Registration, Cmi5Session, ScoState
from lectio.xapi import services as xapi
from lectio.xapi.models import Statement
from tests.scorm.builders import AU1, AU2, BLOCK, COURSE_IRI, au_xml, cmi5, cmi5_xml, lang
from tests.scorm.conftest import CONTENT, SITE, package_course

pytestmark = pytest.mark.django_db

CMI5_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
MOVEON_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}
VERB = "http://adlnet.gov/expapi/verbs/"


def two_aus() -> bytes:
    body = (
        f'<block id="{BLOCK}"><title>{lang("Basics")}</title><description>{lang("B")}</description>'
        + au_xml()
        + "</block>"
        + au_xml(AU2, url="https://aus.example.com/quiz", attributes='moveOn="NotApplicable"')
    )
    return cmi5(cmi5_xml(body))


@pytest.fixture
def played(cast):
    return package_course(cast, cmi5(), title="Fire safety")


@pytest.fixture
def site(cast) -> Client:
    client = Client(HTTP_HOST=SITE)
    client.force_login(cast.learner)
    return client


class Launched:
    def __init__(self, url: str):
        self.url = url
        parts = urlsplit(url)
        self.path = parts.path
        self.host = parts.netloc
        self.params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.actor = json.loads(self.params["actor"])
        self.registration = self.params["registration"]
        self.session = Cmi5Session.objects.order_by("-pk").first()
        self.publisher_id = self.session.au if self.session else ""
        self.token = ""

    def fetch(self, content: Client):
        fetch = urlsplit(self.params["fetch"])
        assert fetch.netloc == CONTENT
        return content.post(fetch.path)

    def statement(self, verb: str, result: dict | None = None, *, moveon=False, **context):
        ctx = {
            "registration": self.registration,
            "contextActivities": {
                # The contextTemplate's publisher id (cmi5 9.6.2.3).
                "grouping": [{"id": self.publisher_id}],
                "category": [CMI5_CATEGORY, *([MOVEON_CATEGORY] if moveon else [])],
            },
            "extensions": {cmi5_services.SESSION_ID: str(self.session.session_id)},
        }
        ctx.update(context)
        body = {
            "actor": self.actor,
            "verb": {"id": VERB + verb},
            "object": {"objectType": "Activity", "id": self.params["activityId"]},
            "context": ctx,
        }
        if result is not None:
            body["result"] = result
        return body

    def send(self, *statements: dict):
        return Client(HTTP_HOST=SITE).post(
            "/xapi/statements",
            json.dumps(list(statements)),
            content_type="application/json",
            headers={
                "Authorization": f"Basic {self.token}",
                "X-Experience-API-Version": "1.0.3",
            },
        )


def au_address(page) -> str:
    """The AU's launch URL on our player page: the frame's address (AnyWindow) or where
    the page sends its window at once (OwnWindow, the Refresh header)."""
    assert page.status_code == 200, page.content
    if page.has_header("Refresh"):
        return page["Refresh"].split("url=", 1)[1]
    found = re.search(r'<iframe class="package-frame" src="([^"]+)"', page.content.decode())
    assert found, page.content
    return html.unescape(found.group(1))


def launch(site: Client, played, index: int = 0) -> Launched:
    response = site.post(
        f"/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}/au/{index}/"
    )
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(
        f"/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}/au/play/"
    )
    return Launched(au_address(site.get(response["Location"])))


def ready(site, played, content) -> Launched:
    launched = launch(site, played)
    launched.token = launched.fetch(content).json()["auth-token"]
    assert launched.send(launched.statement("initialized")).status_code == 200
    return launched


def verbs(**filters) -> list[str]:
    return [
        s.verb_id.rsplit("/", 1)[1]
        for s in Statement.objects.filter(**filters).order_by("stored", "pk")
    ]


def test_it_lists_the_aus_on_the_launch_page(site, played):
    response = site.get(f"/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}/")
    assert response.status_code == 200
    assert "Open “Introduction”" in response.content.decode()


def test_it_launches_an_au_with_the_cmi5_launch_parameters(site, played, cast):
    launched = launch(site, played)
    assert launched.host == CONTENT
    assert launched.path.endswith("/files/au/index.html")
    assert launched.params["endpoint"] == f"http://{SITE}/xapi/"
    # cmi5 8.1: the LMS's own activityId, never the publisher's AU id.
    assert launched.params["activityId"] == cmi5_services.lms_id("au", AU1)
    assert launched.params["activityId"] != AU1
    assert launched.params["activityId"].startswith(f"http://{SITE}/xapi/activities/cmi5-au/")
    assert launched.actor == {
        "objectType": "Agent",
        "name": cast.learner.full_name,
        "account": {"homePage": f"http://{SITE}", "name": str(cast.learner.pk)},
    }
    registration = Cmi5Registration.objects.get()
    assert launched.registration == str(registration.key)
    # The registration is stable: one per enrolment and course.
    again = launch(site, played)
    assert again.registration == launched.registration
    assert Cmi5Registration.objects.count() == 1


def test_it_serves_the_au_from_the_content_origin(site, played, content):
    launched = launch(site, played)
    response = content.get(launched.path)
    assert response.status_code == 200
    assert b"Fire safety" in b"".join(response.streaming_content)


def test_it_writes_launched_before_the_launch(site, played):
    launched = launch(site, played)
    statement = Statement.objects.get(verb_id=VERB + "launched")
    data = statement.data
    assert data["object"]["id"] == cmi5_services.lms_id("au", AU1)
    assert data["actor"] == launched.actor
    context = data["context"]
    assert context["registration"] == launched.registration
    assert context["extensions"][cmi5_services.SESSION_ID] == str(launched.session.session_id)
    assert context["extensions"][cmi5_services.EXT + "launchmode"] == "Normal"
    assert context["extensions"][cmi5_services.EXT + "moveon"] == "CompletedAndPassed"
    assert context["extensions"][cmi5_services.EXT + "launchparameters"] == "level=1"
    assert CMI5_CATEGORY in context["contextActivities"]["category"]


def test_it_writes_launch_data_and_learner_preferences(site, played, cast):
    launched = launch(site, played)
    data = xapi.get_state(
        launched.params["activityId"],
        launched.actor,
        "LMS.LaunchData",
        registration=launched.registration,
    )
    assert data == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": AU1}]},
            "extensions": {cmi5_services.SESSION_ID: str(launched.session.session_id)},
        },
        "launchMode": "Normal",
        "moveOn": "CompletedAndPassed",
        "masteryScore": 0.8,
        "launchParameters": "level=1",
        "returnURL": (
            f"http://{SITE}/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}"
            "/au/return/"
        ),
    }
    key = xapi.DocumentKey("agent", agent_ifi=f"account:http://{SITE}|{cast.learner.pk}")
    preferences = json.loads(bytes(xapi.get_document(key, "cmi5LearnerPreferences").content))
    assert preferences["audioPreference"] == "on"


def test_the_fetch_url_gives_the_token_once(site, played, content):
    launched = launch(site, played)
    first = launched.fetch(content)
    assert first.status_code == 200
    token = first.json()["auth-token"]
    key, _, secret = base64.b64decode(token).decode().partition(":")
    assert xapi.authenticate(key, secret) is not None
    # cmi5 8.2.3.1 and 8.2.2: a second call answers 200 with the error JSON, code 1.
    second = launched.fetch(content)
    assert second.status_code == 200
    assert second["Content-Type"] == "application/json"
    assert second.json() == {
        "error-code": "1",
        "error-text": "The authorization token has already been returned.",
    }


def test_the_fetch_url_answers_only_on_the_content_origin_with_post(site, played, content):
    launched = launch(site, played)
    path = urlsplit(launched.params["fetch"]).path
    assert Client(HTTP_HOST=SITE).post(path).status_code == 404
    assert content.get(path).status_code == 405
    assert (
        content.post(path.replace(str(launched.session.session_id), "nope")).json()["error-code"]
        == "2"
    )


def test_moveon_completes_the_lesson_and_writes_satisfied(site, played, content):
    launched = ready(site, played, content)
    response = launched.send(
        launched.statement("completed", {"completion": True}, moveon=True),
        launched.statement("passed", {"success": True, "score": {"scaled": 0.9}}, moveon=True),
        launched.statement("terminated"),
    )
    assert response.status_code == 200, response.content
    state = ScoState.objects.get(sco=AU1)
    assert (state.completion, state.success, state.score_scaled) == ("completed", "passed", 0.9)
    progress = LessonProgress.objects.get(enrollment=played.enrollment, lesson=played.lesson)
    assert progress.status == LessonProgress.Status.COMPLETED
    satisfied = Statement.objects.filter(verb_id=cmi5_services.VERBS["satisfied"])
    # 9.3.9: the LMS's own block and course ids.
    assert {s.object_activity for s in satisfied} == {
        cmi5_services.lms_id("block", BLOCK),
        cmi5_services.lms_id("course", COURSE_IRI),
    }
    session = Cmi5Session.objects.get()
    for row in satisfied:
        assert row.data["context"]["extensions"][cmi5_services.SESSION_ID] == str(
            session.session_id
        )
        assert row.data["context"]["registration"] == launched.registration
    assert session.terminated_at is not None
    assert session.verbs == ["initialized", "completed", "passed", "terminated"]


def test_completed_alone_does_not_meet_completed_and_passed(site, played, content):
    launched = ready(site, played, content)
    launched.send(launched.statement("completed", {"completion": True}, moveon=True))
    progress = LessonProgress.objects.get(enrollment=played.enrollment, lesson=played.lesson)
    assert progress.status != LessonProgress.Status.COMPLETED
    assert not Statement.objects.filter(verb_id=cmi5_services.VERBS["satisfied"]).exists()


REFUSED = [
    ("completed twice", ["completed", "completed"], "completed may be sent once per registration"),
    ("passed below mastery", ["passed-low"], "at or above the masteryScore"),
    ("failed above mastery", ["failed-high"], "below the masteryScore"),
    ("passed twice", ["passed", "passed"], "may not follow passed"),
    ("after terminated", ["terminated", "completed"], "terminated or abandoned"),
    ("initialized twice", ["initialized"], "initialized may be sent once per session"),
    ("no moveOn category", ["completed-nocat"], "must have the moveOn category"),
    ("wrong session", ["wrong-session"], "session id of its launch"),
    ("wrong registration", ["wrong-registration"], "registration"),
]


@pytest.mark.parametrize(("name", "sequence", "rule"), REFUSED, ids=[r[0] for r in REFUSED])
def test_it_refuses_au_statements_that_break_cmi5_rules(
    site, played, content, name, sequence, rule
):
    launched = ready(site, played, content)
    made = {
        "completed": launched.statement("completed", {"completion": True}, moveon=True),
        "completed-nocat": launched.statement("completed", {"completion": True}),
        "passed": launched.statement(
            "passed", {"success": True, "score": {"scaled": 0.9}}, moveon=True
        ),
        "passed-low": launched.statement(
            "passed", {"success": True, "score": {"scaled": 0.5}}, moveon=True
        ),
        "failed-high": launched.statement(
            "failed", {"success": False, "score": {"scaled": 0.9}}, moveon=True
        ),
        "terminated": launched.statement("terminated"),
        "initialized": launched.statement("initialized"),
        "wrong-session": launched.statement(
            "initialized", extensions={cmi5_services.SESSION_ID: "x"}
        ),
        "wrong-registration": launched.statement(
            "initialized", registration="6b2d4d0c-3d36-4b7a-a1c8-1f1f1f1f1f1f"
        ),
    }
    *first, last = sequence
    for verb in first:
        assert launched.send(made[verb]).status_code == 200
    before = Statement.objects.count()
    response = launched.send(made[last])
    assert response.status_code == 403
    assert rule in response.content.decode()
    assert Statement.objects.count() == before


def test_the_first_statement_of_a_session_must_be_initialized(site, played, content):
    launched = launch(site, played)
    launched.token = launched.fetch(content).json()["auth-token"]
    response = launched.send(launched.statement("completed", {"completion": True}, moveon=True))
    assert response.status_code == 403
    assert "must be initialized" in response.content.decode()


def test_an_au_credential_speaks_only_for_its_learner(site, played, content, cast):
    launched = ready(site, played, content)
    other = launched.statement("experienced")
    other["actor"] = {"mbox": "mailto:someone@example.com"}
    assert launched.send(other).status_code == 400


@pytest.mark.parametrize(
    ("move_on", "completed", "passed", "expected"),
    [
        ("Passed", False, True, True),
        ("Passed", True, False, False),
        ("Completed", True, False, True),
        ("Completed", False, True, False),
        ("CompletedAndPassed", True, True, True),
        ("CompletedAndPassed", True, False, False),
        ("CompletedAndPassed", False, True, False),
        ("CompletedOrPassed", True, False, True),
        ("CompletedOrPassed", False, True, True),
        ("CompletedOrPassed", False, False, False),
        ("NotApplicable", False, False, True),
    ],
)
def test_the_moveon_table(move_on, completed, passed, expected):
    facts = {"completion": "completed" if completed else "", "success": "passed" if passed else ""}
    assert cmi5_services.au_satisfied({"moveOn": move_on}, facts) is expected


def test_not_applicable_aus_are_waived_at_the_first_launch(cast, site):
    played = package_course(cast, two_aus(), title="Fire safety")
    launch(site, played)
    waived = Statement.objects.get(verb_id=cmi5_services.VERBS["waived"])
    assert waived.object_activity == cmi5_services.lms_id("au", AU2)
    assert waived.data["result"]["extensions"][cmi5_services.REASON] == "Administrative"
    launch(site, played)
    assert Statement.objects.filter(verb_id=cmi5_services.VERBS["waived"]).count() == 1


def test_an_external_au_is_launched_at_its_own_address(cast, site):
    played = package_course(cast, two_aus(), title="Fire safety")
    launched = launch(site, played, index=1)
    assert launched.url.startswith("https://aus.example.com/quiz?endpoint=")
    assert launched.params["activityId"] == cmi5_services.lms_id("au", AU2)


def test_a_session_left_open_is_abandoned_by_the_periodic_job(site, played, content, settings):
    launched = ready(site, played, content)
    settings.LECTIO_CMI5_ABANDON_SECONDS = 3600
    assert cmi5_services.abandon_stale(timezone.now() + timedelta(minutes=30)) == 0
    assert cmi5_services.abandon_stale(timezone.now() + timedelta(hours=2)) == 1
    abandoned = Statement.objects.get(verb_id=cmi5_services.VERBS["abandoned"])
    context = abandoned.data["context"]
    assert context["extensions"][cmi5_services.SESSION_ID] == str(launched.session.session_id)
    assert abandoned.data["result"]["duration"].startswith("PT")
    assert cmi5_services.abandon_stale(timezone.now() + timedelta(hours=3)) == 0
    # The AU can say nothing more in an abandoned session.
    response = launched.send(launched.statement("terminated"))
    assert response.status_code == 403


def test_a_terminated_session_is_never_abandoned(site, played, content):
    launched = ready(site, played, content)
    launched.send(launched.statement("terminated"))
    assert cmi5_services.abandon_stale(timezone.now() + timedelta(days=1)) == 0


def test_launching_again_abandons_the_open_session(site, played, content):
    first = ready(site, played, content)
    launch(site, played)
    abandoned = Statement.objects.get(verb_id=cmi5_services.VERBS["abandoned"])
    assert abandoned.data["context"]["extensions"][cmi5_services.SESSION_ID] == str(
        first.session.session_id
    )
    assert verbs()[-2:] == ["abandoned", "launched"]


def test_the_periodic_job_is_scheduled(settings):
    assert settings.LECTIO_PERIODIC_TASKS["scorm.cmi5_abandoned"]["task"] == (
        "lectio.scorm.tasks.abandon_cmi5_sessions"
    )


def test_only_the_enrolled_learner_launches(played, cast):
    client = Client(HTTP_HOST=SITE)
    client.force_login(cast.instructor)
    url = f"/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}/au/0/"
    assert client.post(url).status_code == 404
    assert not Cmi5Session.objects.exists()


def test_an_unknown_au_index_is_not_found(site, played):
    url = f"/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}/au/9/"
    assert site.post(url).status_code == 404
    assert site.get(url.replace("/9/", "/0/")).status_code == 405


def test_the_author_uploads_a_cmi5_course_in_the_package_panel(cast):
    from lectio.catalog import services as catalog

    course = catalog.create_course(title="Fire", by=cast.instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="M"), title="L", kind_name="package"
    )
    client = Client(HTTP_HOST=SITE)
    client.force_login(cast.instructor)
    url = f"/scorm/lessons/{lesson.pk}/package/"
    bad = SimpleUploadedFile("cmi5.xml", cmi5_xml(au_xml("intro")).encode(), "text/xml")
    response = client.post(url, {"package": bad})
    assert response.status_code == 400
    assert "The AU id “intro” is not an IRI" in response.content.decode()
    upload = SimpleUploadedFile("course.zip", cmi5(), "application/zip")
    assert client.post(url, {"package": upload}).status_code == 302
    panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "moves on when: CompletedAndPassed" in panel and "cmi5" in panel


def test_the_launch_page_has_bounded_queries(site, played, django_assert_max_num_queries):
    url = f"/scorm/courses/{played.course.slug}/lessons/{played.lesson.pk}/"
    # 21, plus the lesson's launched statement on a cold LRS (platform client, activities).
    with django_assert_max_num_queries(21 + 9):
        response = site.get(url)
    assert response.status_code == 200
    # Each AU's form posts to this site (the player page follows): form-action 'self'.
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["form-action"] == "'self'"


def test_a_replaced_cmi5_package_keeps_the_registration_and_results(site, played, content, cast):
    from lectio.catalog import services as catalog
    from tests.scorm.conftest import upload

    launched = ready(site, played, content)
    launched.send(launched.statement("completed", {"completion": True}, moveon=True))
    body = au_xml().replace("Introduction", "Introduction, revised") + au_xml(
        AU2, url="https://aus.example.com/quiz", attributes='moveOn="Completed"'
    )
    package = upload(played.lesson, cmi5(cmi5_xml(body)), cast.instructor)
    assert package.changes["renamed"] == [["Introduction", "Introduction, revised"]]
    assert package.changes["added"] == ["Introduction"]  # AU2's title
    catalog.publish_course(played.course, by=cast.instructor)
    again = launch(site, played)
    assert again.registration == launched.registration
    assert ScoState.objects.get(sco=AU1).completion == "completed"
    assert Cmi5Session.objects.get(pk=again.session.pk).package_key == str(package.key)


def test_an_au_may_not_change_its_launch_data(site, played, content):
    launched = ready(site, played, content)
    http = Client(HTTP_HOST=SITE)
    headers = {"Authorization": f"Basic {launched.token}", "X-Experience-API-Version": "1.0.3"}
    query = urlencode(
        {
            "activityId": launched.params["activityId"],
            "registration": launched.registration,
            "agent": json.dumps(launched.actor),
        }
    )
    url = f"/xapi/activities/state?{query}&stateId="
    refused = http.put(
        url + "LMS.LaunchData", "{}", content_type="application/json", headers=headers
    )
    assert refused.status_code == 403
    assert "LMS.LaunchData" in refused.content.decode()
    assert http.delete(url.replace("&stateId=", ""), headers=headers).status_code == 403
    data = xapi.get_state(
        launched.params["activityId"],
        launched.actor,
        "LMS.LaunchData",
        registration=launched.registration,
    )
    assert data["launchMode"] == "Normal"
    # Its own state documents are its to write, and it reads the launch data.
    own = http.put(
        url + "bookmark", '{"page": 3}', content_type="application/json", headers=headers
    )
    assert own.status_code == 204
    assert (
        http.get(url + "LMS.LaunchData", headers=headers).json()["moveOn"] == "CompletedAndPassed"
    )


def test_an_au_reads_its_learner_preferences_but_not_another_agents(site, played, content):
    launched = ready(site, played, content)
    http = Client(HTTP_HOST=SITE)
    headers = {"Authorization": f"Basic {launched.token}", "X-Experience-API-Version": "1.0.3"}

    def profile(agent):
        query = urlencode({"agent": json.dumps(agent), "profileId": "cmi5LearnerPreferences"})
        return f"/xapi/agents/profile?{query}"

    own = http.get(profile(launched.actor), headers=headers)
    assert own.status_code == 200
    assert own.json()["audioPreference"] == "on"
    other = http.get(profile({"mbox": "mailto:someone@example.com"}), headers=headers)
    assert other.status_code == 403
    written = http.put(
        profile(launched.actor), "{}", content_type="application/json", headers=headers
    )
    assert written.status_code == 403
