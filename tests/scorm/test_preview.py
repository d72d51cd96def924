"""An author's preview of a SCORM package: the player in browse mode, nothing stored."""

import json

from django.urls import reverse

from lectio.learning.models import LessonProgress
from lectio.scorm import services
from lectio.scorm.models import ScoState
from tests.helpers import client_for
from tests.scorm.conftest import CONTENT, SITE


def preview_url(played) -> str:
    return reverse("scorm:package_preview", args=[played.lesson.pk])


def preview_token(played, user) -> str:
    return services.preview_token(user, played.lesson.pk, str(played.package.key))


def test_the_author_gets_the_player_on_the_content_origin(cast, multi):
    response = client_for(cast.instructor).get(preview_url(multi), HTTP_HOST=SITE)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'src="http://{CONTENT}/scorm/c/' in page
    assert f"frame-src 'self' http://{CONTENT}" in response["Content-Security-Policy"]
    panel = client_for(cast.instructor).get(
        reverse("scorm:lesson_package", args=[multi.lesson.pk]),
        HTTP_HOST=SITE,
        headers={"HX-Request": "true"},
    )
    assert preview_url(multi) in panel.content.decode()


def test_only_the_courses_authors_preview(cast, multi):
    for person in (cast.learner, cast.outsider, cast.manager):
        assert client_for(person).get(preview_url(multi), HTTP_HOST=SITE).status_code == 404


def test_without_a_content_origin_there_is_no_preview(cast, multi, settings):
    settings.LECTIO_CONTENT_ORIGIN = ""
    assert client_for(cast.instructor).get(preview_url(multi), HTTP_HOST=SITE).status_code == 404


def test_a_preview_session_is_browse_mode_without_credit(cast, multi, single, content):
    token = preview_token(multi, cast.instructor)
    assert content.get(reverse("scorm:player", args=[token])).status_code == 200
    data = content.post(f"{reverse('scorm:session', args=[token])}?sco=alarm").json()
    cmi = data["cmi"]
    assert (cmi["mode"], cmi["credit"], cmi["entry"]) == ("browse", "no-credit", "ab-initio")
    assert cmi["learner_name"] == cast.instructor.full_name
    old = content.post(
        f"{reverse('scorm:session', args=[preview_token(single, cast.instructor)])}?sco=item1"
    ).json()
    assert (old["cmi"]["core"]["lesson_mode"], old["cmi"]["core"]["credit"]) == (
        "browse",
        "no-credit",
    )


def test_a_preview_commit_is_checked_and_nothing_is_stored(cast, multi, content):
    token = preview_token(multi, cast.instructor)
    commit = f"{reverse('scorm:commit', args=[token])}?sco=alarm"
    body = {"session": 1, "seq": 1, "cmi": {"completion_status": "completed", "exit": "normal"}}
    answer = content.post(commit, data=json.dumps(body), content_type="text/plain")
    assert answer.json() == {"result": True, "errorCode": 0, "applied": False}
    bad = {**body, "cmi": {"completion_status": "done"}}
    refused = content.post(commit, data=json.dumps(bad), content_type="text/plain")
    assert refused.status_code == 400 and "completion_status" in refused.json()["error"]
    assert not ScoState.objects.exists()
    assert not LessonProgress.objects.filter(lesson=multi.lesson).exists()


def test_a_preview_token_is_refused_once_its_author_may_no_longer_manage_it(cast, multi, content):
    token = preview_token(multi, cast.learner)  # never an author of this course
    assert content.get(reverse("scorm:player", args=[token])).status_code == 404
    assert content.post(f"{reverse('scorm:session', args=[token])}?sco=alarm").status_code == 404
    # On the site's own host name the content views answer nothing.
    token = preview_token(multi, cast.instructor)
    assert (
        client_for(cast.instructor)
        .get(reverse("scorm:player", args=[token]), HTTP_HOST=SITE)
        .status_code
        == 404
    )


def test_the_preview_pages_run_a_bounded_number_of_queries(
    cast, multi, content, django_assert_max_num_queries
):
    client = client_for(cast.instructor)
    client.get(preview_url(multi), HTTP_HOST=SITE)  # warm: imports and caches
    with django_assert_max_num_queries(6):
        assert client.get(preview_url(multi), HTTP_HOST=SITE).status_code == 200
    token = preview_token(multi, cast.instructor)
    with django_assert_max_num_queries(4):
        assert content.get(reverse("scorm:player", args=[token])).status_code == 200
    with django_assert_max_num_queries(4):
        session = content.post(f"{reverse('scorm:session', args=[token])}?sco=alarm")
        assert session.status_code == 200
