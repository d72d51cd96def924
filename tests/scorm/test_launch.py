"""The launch page, the content origin's isolation, sessions and commits."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lectio.learning.models import LessonProgress
from lectio.scorm import services
from lectio.scorm.models import ScoState
from tests.helpers import client_for
from tests.scorm.conftest import CONTENT, SITE


def token_for(played) -> str:
    return services.launch_token(played.enrollment, played.lesson.pk, str(played.package.key))


def start(content, token, sco):
    response = content.post(f"{reverse('scorm:session', args=[token])}?sco={sco}")
    assert response.status_code == 200, response.content
    return response.json()


def send(content, token, sco, body):
    return content.post(
        f"{reverse('scorm:commit', args=[token])}?sco={sco}",
        data=json.dumps(body),
        content_type="text/plain;charset=UTF-8",
    )


def progress_of(played) -> LessonProgress:
    return LessonProgress.objects.get(enrollment=played.enrollment, lesson=played.lesson)


def test_the_launch_page_frames_the_player_on_the_content_origin(
    cast, single, django_assert_max_num_queries
):
    client = client_for(cast.learner)
    url = reverse("scorm:launch", args=[single.course.slug, single.lesson.pk])
    # 16, plus the launched statement on a cold LRS (the platform client and the two
    # activities are created the first time).
    with django_assert_max_num_queries(16 + 12):
        response = client.get(url, HTTP_HOST=SITE)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'src="http://{CONTENT}/scorm/c/' in page
    assert f"frame-src 'self' http://{CONTENT}" in response["Content-Security-Policy"]
    lesson_page = client.get(
        reverse("learning:lesson", args=[single.course.slug, single.lesson.pk]), HTTP_HOST=SITE
    )
    assert url in lesson_page.content.decode()


def test_the_launch_page_needs_the_enrolled_person(cast, single):
    url = reverse("scorm:launch", args=[single.course.slug, single.lesson.pk])
    assert client_for(cast.outsider).get(url, HTTP_HOST=SITE).status_code == 404


def test_without_a_content_origin_packages_do_not_launch(cast, single, settings):
    settings.LECTIO_CONTENT_ORIGIN = ""
    url = reverse("scorm:launch", args=[single.course.slug, single.lesson.pk])
    response = client_for(cast.learner).get(url, HTTP_HOST=SITE)
    assert response.status_code == 503
    assert "LECTIO_CONTENT_ORIGIN" in response.content.decode()
    assert "/scorm/c/" not in response.content.decode()


def test_the_player_and_files_answer_on_the_content_origin_only(cast, single, content):
    token = token_for(single)
    player = content.get(reverse("scorm:player", args=[token]))
    assert player.status_code == 200
    assert "'unsafe-inline'" not in player["Content-Security-Policy"]
    assert f"frame-ancestors 'self' http://{SITE}" in player["Content-Security-Policy"]
    assert "X-Frame-Options" not in player
    config = json.loads(
        player.content.decode()
        .split('id="package-config" type="application/json">')[1]
        .split("<")[0]
    )
    assert config["scos"][0]["url"].endswith("/files/index.html")
    sco = content.get(config["scos"][0]["url"])
    assert sco.status_code == 200 and b"Safety basics" in b"".join(sco.streaming_content)
    assert "'unsafe-inline'" in sco["Content-Security-Policy"]
    # The site's host does not serve them: package scripts never run with its cookies.
    site = client_for(cast.learner)
    assert site.get(reverse("scorm:player", args=[token]), HTTP_HOST=SITE).status_code == 404
    assert site.get(config["scos"][0]["url"], HTTP_HOST=SITE).status_code == 404


def test_the_content_origin_serves_nothing_else_and_ignores_cookies(cast, single):
    signed_in = client_for(cast.learner)  # a session cookie, as if someone signed in there
    for path in ("/", "/learn/", "/accounts/sign-in/", "/admin/", "/media/uploads/"):
        assert signed_in.get(path, HTTP_HOST=CONTENT).status_code == 404
    response = signed_in.get(reverse("scorm:player", args=[token_for(single)]), HTTP_HOST=CONTENT)
    assert response.status_code == 200 and not response.cookies


def test_a_bad_or_expired_token_is_refused(single, content, settings):
    token = token_for(single)
    assert content.get(reverse("scorm:player", args=[token + "x"])).status_code == 404
    settings.LECTIO_PACKAGE_TOKEN_SECONDS = -1
    assert content.get(reverse("scorm:player", args=[token])).status_code == 404


def test_a_file_outside_the_package_is_not_served(single, content):
    token = token_for(single)
    url = reverse("scorm:file", args=[token, "x"])[:-1]
    assert content.get(url + "../../etc/passwd").status_code == 404
    assert content.get(url + "missing.html").status_code == 404


def test_a_session_returns_the_launch_data_and_ab_initio(single, content):
    data = start(content, token_for(single), "item1")
    assert data["session"] == 1
    core = data["cmi"]["core"]
    assert core["entry"] == "ab-initio" and core["student_name"] == "Learner, Leyla"
    assert data["cmi"]["launch_data"] == "mode=standard"
    assert data["cmi"]["student_data"] == {
        "mastery_score": "80",
        "max_time_allowed": "00:30:00",
        "time_limit_action": "continue,no message",
    }


def test_commits_are_stored_and_come_back_with_resume(single, content):
    token = token_for(single)
    start(content, token, "item1")
    body = {
        "session": 1,
        "seq": 1,
        "cmi": {
            "core": {
                "lesson_location": "question-2",
                "lesson_status": "incomplete",
                "exit": "suspend",
                "session_time": "00:00:10",
            },
            "suspend_data": "answered=yes",
        },
    }
    assert send(content, token, "item1", body).json() == {
        "result": True,
        "errorCode": 0,
        "applied": True,
    }
    again = start(content, token, "item1")
    assert again["session"] == 2
    assert again["cmi"]["core"]["entry"] == "resume"
    assert again["cmi"]["core"]["lesson_location"] == "question-2"
    assert again["cmi"]["suspend_data"] == "answered=yes"
    assert again["cmi"]["core"]["total_time"] == "0000:00:10"
    assert progress_of(single).status == LessonProgress.Status.IN_PROGRESS


def test_a_stale_commit_does_not_overwrite_newer_data(single, content):
    token = token_for(single)
    start(content, token, "item1")
    newer = {"session": 1, "seq": 2, "cmi": {"core": {"lesson_location": "p3"}}}
    older = {"session": 1, "seq": 1, "cmi": {"core": {"lesson_location": "p1"}}}
    assert send(content, token, "item1", newer).json()["applied"] is True
    assert send(content, token, "item1", older).json()["applied"] is False
    start(content, token, "item1")  # a new launch: the first launch's commits are stale now
    late = {"session": 1, "seq": 9, "cmi": {"core": {"lesson_location": "p0"}}}
    assert send(content, token, "item1", late).json()["applied"] is False
    state = ScoState.objects.get(sco="item1")
    assert state.cmi["core"]["lesson_location"] == "p3"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "The body is not JSON."),
        ({"session": 1, "seq": 1, "cmi": {"core": {"lesson_status": "great"}}}, "lesson_status"),
        ({"session": 5, "seq": 1, "cmi": {}}, "This launch of the item was never started."),
    ],
)
def test_malformed_commits_are_refused_and_change_nothing(single, content, body, message):
    token = token_for(single)
    start(content, token, "item1")
    raw = body if isinstance(body, str) else json.dumps(body)
    response = content.post(
        f"{reverse('scorm:commit', args=[token])}?sco=item1", data=raw, content_type="text/plain"
    )
    assert response.status_code == 400
    assert message in response.json()["error"] and response.json()["result"] is False
    assert ScoState.objects.get(sco="item1").seq == 0


def test_an_unknown_sco_is_refused(single, content):
    response = content.post(f"{reverse('scorm:session', args=[token_for(single)])}?sco=nope")
    assert response.status_code == 404


def test_scorm_12_passed_with_mastery_completes_the_lesson(single, content):
    token = token_for(single)
    start(content, token, "item1")
    body = {
        "session": 1,
        "seq": 1,
        "finished": True,
        "cmi": {
            "core": {
                "lesson_status": "completed",
                "score": {"raw": "85"},
                "session_time": "00:00:10",
            }
        },
    }
    send(content, token, "item1", body)
    progress = progress_of(single)
    assert progress.status == LessonProgress.Status.COMPLETED and progress.percent == 100
    assert progress.active_seconds == 10
    single.enrollment.refresh_from_db()
    assert single.enrollment.completed_at is not None


def test_scorm_12_score_below_mastery_fails_and_does_not_complete(single, content):
    token = token_for(single)
    start(content, token, "item1")
    body = {
        "session": 1,
        "seq": 1,
        "cmi": {"core": {"lesson_status": "passed", "score": {"raw": "40"}}},
    }
    send(content, token, "item1", body)
    assert progress_of(single).status == LessonProgress.Status.IN_PROGRESS
    assert ScoState.objects.get(sco="item1").status == "passed"  # as the SCO said; judged as failed


def test_session_time_cannot_exceed_the_time_that_passed(single, content):
    token = token_for(single)
    start(content, token, "item1")
    body = {"session": 1, "seq": 1, "cmi": {"core": {"session_time": "0010:00:00"}}}
    send(content, token, "item1", body)
    assert ScoState.objects.get(sco="item1").session_seconds <= 16
    assert progress_of(single).active_seconds <= 16


def test_multi_sco_rollup_completes_when_every_sco_completes(multi, content):
    token = token_for(multi)
    for n, sco in enumerate(["alarm", "exits"]):
        start(content, token, sco)
        body = {
            "session": 1,
            "seq": 1,
            "cmi": {
                "completion_status": "completed",
                "score": {"scaled": "0.9"},
                "session_time": "PT5S",
            },
        }
        send(content, token, sco, body)
        progress = progress_of(multi)
        assert progress.status == (
            LessonProgress.Status.IN_PROGRESS if n == 0 else LessonProgress.Status.COMPLETED
        )
        if n == 0:
            assert progress.percent == 50


def test_a_failed_sco_keeps_the_lesson_open(multi, content):
    token = token_for(multi)
    for sco, scaled in (("alarm", "0.5"), ("exits", "0.9")):  # alarm needs 0.8
        start(content, token, sco)
        body = {
            "session": 1,
            "seq": 1,
            "cmi": {"completion_status": "completed", "score": {"scaled": scaled}},
        }
        send(content, token, sco, body)
    assert progress_of(multi).status == LessonProgress.Status.IN_PROGRESS


def test_a_closed_access_window_refuses_commits(single, content):
    token = token_for(single)
    start(content, token, "item1")
    single.enrollment.access_ends_at = timezone.now() - timedelta(minutes=1)
    single.enrollment.save(update_fields=["access_ends_at"])
    body = {"session": 1, "seq": 1, "cmi": {"core": {"lesson_location": "p9"}}}
    assert send(content, token, "item1", body).status_code == 403
    assert ScoState.objects.get(sco="item1").cmi == {}


def test_a_commit_runs_a_bounded_number_of_queries(multi, content, django_assert_max_num_queries):
    token = token_for(multi)
    start(content, token, "alarm")
    body = {"session": 1, "seq": 1, "cmi": {"completion_status": "incomplete", "location": "p1"}}
    with django_assert_max_num_queries(16):
        assert send(content, token, "alarm", body).status_code == 200


def test_the_player_runs_a_bounded_number_of_queries(multi, content, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert content.get(reverse("scorm:player", args=[token_for(multi)])).status_code == 200


def test_the_player_speaks_the_language_of_the_launching_page(single, content):
    token = services.launch_token(
        single.enrollment, single.lesson.pk, str(single.package.key), language="tr"
    )
    page = content.get(reverse("scorm:player", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="tr"' in page.content.decode() and "İçindekiler" in page.content.decode()


def test_a_content_origin_on_the_sites_host_name_isolates_nothing_and_is_refused(
    cast, single, settings
):
    from lectio.scorm.apps import check_content_origin

    settings.LECTIO_CONTENT_ORIGIN = "http://127.0.0.1:9000"  # same host name, other port
    url = reverse("scorm:launch", args=[single.course.slug, single.lesson.pk])
    assert client_for(cast.learner).get(url, HTTP_HOST=SITE).status_code == 503
    assert [message.id for message in check_content_origin()] == ["scorm.E001"]
    settings.LECTIO_CONTENT_ORIGIN = f"http://{CONTENT}"
    assert check_content_origin() == []
