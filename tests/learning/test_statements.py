"""The platform's own xAPI statements: every event of the one write path, in its
transaction, well formed (checked by the LRS's own validator), with stable IRIs."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lectio.accounts import services as accounts
from lectio.assets.models import Asset
from lectio.catalog import services as catalog
from lectio.learning import services, statements
from lectio.learning.models import Enrollment
from lectio.xapi import validation
from lectio.xapi.models import Statement
from tests.helpers import make_course

# Two days ago at 10:00 UTC: a few minutes later is still the same UTC day, whatever the hour now.
T0 = (timezone.now() - timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
ADL = "http://adlnet.gov/expapi/verbs/"


def _enrolment(course, user):
    enrollment = services.enroll(user, course, source="self", at=T0)
    return Enrollment.objects.select_related("user", "course__live_version").get(pk=enrollment.pk)


def _video_course(cast, **content):
    course = make_course(cast.instructor, "Fire Safety", pages=0, publish=False)
    asset = Asset.objects.create(
        course=course, kind="video", original_name="v.mp4", size=1, status="ready", duration=100
    )
    video = catalog.add_lesson(course.modules.get(), title="Briefing", kind_name="video")
    catalog.update_lesson(video, content={"asset": str(asset.key), **content})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    return course, video


def _report(seq, **fields):
    return services.Report(client="tab", seq=seq, **fields)


def _stored(verb=None):
    rows = Statement.objects.order_by("seq")
    if verb:
        rows = rows.filter(verb_id=ADL + verb)
    found = [row.data for row in rows]
    for data in found:  # every one passes the LRS's own validation
        validation.statement(json.loads(json.dumps(data)))
    return found


def test_it_records_a_launch_once_a_day_with_definitions_and_context(cast):
    course, video = _video_course(cast)
    enrollment = _enrolment(course, cast.learner)
    services.open_lesson(enrollment, video.pk, at=T0)
    services.open_lesson(enrollment, video.pk, at=T0 + timedelta(minutes=5))
    [launched] = _stored("launched")
    assert launched["actor"]["account"] == {
        "homePage": settings.SITE_URL,
        "name": str(cast.learner.pk),
    }
    assert launched["object"]["id"] == f"{settings.SITE_URL}/xapi/activities/lesson/{video.key}"
    assert launched["object"]["definition"]["name"] == {"en": "Briefing"}
    context = launched["context"]
    assert context["registration"] == str(enrollment.registration)
    assert context["platform"] == "Lectio" and context["language"] == "en"
    assert context["contextActivities"]["parent"][0]["id"] == (
        f"{settings.SITE_URL}/xapi/activities/course/{course.key}"
    )
    assert launched["authority"]["name"] == "Lectio"
    services.open_lesson(enrollment, video.pk, at=T0 + timedelta(days=1))
    assert len(_stored("launched")) == 2


def test_a_stored_launch_is_not_looked_up_again_the_same_day(
    cast, django_capture_on_commit_callbacks
):
    course, video = _video_course(cast)
    enrollment = _enrolment(course, cast.learner)

    def reopen(at):
        with (
            django_capture_on_commit_callbacks(execute=True),
            CaptureQueriesContext(connection) as queries,
        ):
            services.open_lesson(enrollment, video.pk, at=at)
        return len(queries.captured_queries)

    reopen(T0)
    remembered = reopen(T0 + timedelta(minutes=5))  # the launch is known stored: no check
    cache.clear()  # a cold cache (another process, a restart) checks the database again
    checked = reopen(T0 + timedelta(minutes=6))
    # The LRS's savepoint, id check and release, and its platform client (cached too).
    assert checked == remembered + 4
    assert len(_stored("launched")) == 1
    reopen(T0 + timedelta(days=1))  # a new day is a new launch, whatever is remembered
    assert len(_stored("launched")) == 2


def test_it_records_video_progress_with_segments_once_per_report(cast):
    course, video = _video_course(cast)
    enrollment = _enrolment(course, cast.learner)
    services.open_lesson(enrollment, video.pk, at=T0)
    at = T0 + timedelta(seconds=30)
    report = _report(1, intervals=[[0, 20], [25, 30]], position=30, active_seconds=30)
    services.record_progress(enrollment, video.pk, report, at=at)
    services.record_progress(enrollment, video.pk, report, at=at)  # replayed: nothing new
    [progressed] = _stored("progressed")
    extensions = progressed["result"]["extensions"]
    assert extensions[statements.VIDEO_SEGMENTS] == "0.0[.]20.0[,]25.0[.]30.0"
    assert extensions[statements.VIDEO_TIME] == 30.0
    assert extensions[statements.VIDEO_PROGRESS] == 0.25
    assert extensions[statements.PROGRESS] == 25
    assert progressed["result"]["duration"] == "PT30S"
    assert progressed["context"]["registration"] == str(enrollment.registration)
    assert "definition" not in progressed["object"]  # the heartbeat stays cheap
    # A report that moves nothing (the same seconds again) writes no statement.
    again = _report(2, intervals=[[0, 20]], position=20, active_seconds=5)
    services.record_progress(enrollment, video.pk, again, at=at + timedelta(seconds=10))
    assert len(_stored("progressed")) == 1


def test_it_completes_the_lesson_and_the_course_in_one_batch(cast):
    course, video = _video_course(cast)
    enrollment = _enrolment(course, cast.learner)
    services.open_lesson(enrollment, video.pk, at=T0)
    at = T0 + timedelta(seconds=100)
    report = _report(1, intervals=[[0, 100]], position=100, active_seconds=100)
    services.record_progress(enrollment, video.pk, report, at=at)
    verbs = [d["verb"]["id"].removeprefix(ADL) for d in _stored()]
    assert verbs == ["launched", "progressed", "completed", "completed"]
    lesson_done, course_done = _stored("completed")
    assert lesson_done["object"]["id"].endswith(f"/lesson/{video.key}")
    assert lesson_done["result"]["completion"] is True
    assert course_done["object"]["id"].endswith(f"/course/{course.key}")
    assert {row.registration for row in Statement.objects.all()} == {enrollment.registration}


def test_it_reports_the_pages_of_a_document(cast):
    course = make_course(cast.instructor, pages=0, publish=False)
    asset = Asset.objects.create(
        course=course, kind="document", original_name="h.pdf", size=1, status="ready", page_count=3
    )
    handbook = catalog.add_lesson(course.modules.get(), title="Handbook", kind_name="document")
    catalog.update_lesson(handbook, content={"asset": str(asset.key)})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = _enrolment(course, cast.learner)
    services.record_progress(enrollment, handbook.pk, _report(1, pages=[1, 2], position=2), at=T0)
    [progressed] = _stored("progressed")
    extensions = progressed["result"]["extensions"]
    assert extensions[statements.extension("pages-seen")] == [1, 2]
    assert extensions[statements.extension("page")] == 2
    assert extensions[statements.PROGRESS] == 66


def test_it_records_a_page_read_and_an_attestation_as_completed(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    policy = catalog.add_lesson(course.modules.get(), title="Policy", kind_name="attestation")
    catalog.update_lesson(policy, content={"text": "<p>Lock your screen.</p>"})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = _enrolment(course, cast.learner)
    page = course.lessons.get(title="Page 1")
    services.record_progress(enrollment, page.pk, _report(1, completed=True), at=T0)
    services.attest(enrollment, policy.pk, language="en", ip=None, user_agent="", at=T0)
    objects = [d["object"]["id"] for d in _stored("completed")]
    assert objects == [
        statements.activity_iri("lesson", str(page.key)),
        statements.activity_iri("lesson", str(policy.key)),
        statements.activity_iri("course", str(course.key)),
    ]


@pytest.mark.parametrize(("score", "passed"), [(85, True), (40, False)])
def test_it_records_a_quiz_as_passed_or_failed_with_its_score(cast, score, passed):
    course = make_course(cast.instructor, "Safety", pages=1, publish=False)
    quiz = catalog.add_lesson(course.modules.get(), title="Quiz", kind_name="quiz")
    catalog.update_lesson(quiz, content={"question_ids": [1]})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = _enrolment(course, cast.learner)
    services.record_quiz_result(enrollment, quiz.pk, score=score, passed=passed, at=T0)
    [verdict] = _stored("passed" if passed else "failed")
    assert verdict["result"]["success"] is passed
    assert verdict["result"]["score"]["scaled"] == score / 100
    assert len(_stored("completed")) == (1 if passed else 0)


def test_it_records_each_answer_of_a_submitted_attempt(cast):
    course = make_course(cast.instructor, "Safety", pages=0, publish=False)
    quiz = catalog.add_lesson(course.modules.get(), title="Quiz", kind_name="quiz")
    catalog.update_lesson(quiz, content={"question_ids": [1]})
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    enrollment = _enrolment(course, cast.learner)
    answers = [
        services.QuizAnswer(question="7", response='{"choice": "c2"}', fraction=1.0),
        services.QuizAnswer(question="9", response="{}", fraction=None),
    ]
    services.record_answers(enrollment, quiz.pk, attempt=1, answers=answers, at=T0)
    services.record_answers(enrollment, quiz.pk, attempt=1, answers=answers, at=T0)  # again
    first, second = _stored("answered")
    assert first["object"]["id"] == statements.activity_iri("question", "7")
    assert first["result"] == {
        "response": '{"choice": "c2"}',
        "score": {"scaled": 1.0},
        "success": True,
    }
    assert second["result"] == {"response": "{}"}
    assert first["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/{quiz.key}")


def test_it_keeps_iris_when_a_course_is_renamed_and_the_agent_when_an_email_changes(cast):
    course, video = _video_course(cast)
    enrollment = _enrolment(course, cast.learner)
    services.open_lesson(enrollment, video.pk, at=T0)
    catalog.update_course(course, title="Fire Safety 2027")
    catalog.update_lesson(video, title="The briefing")
    catalog.publish_course(course, by=cast.instructor)
    accounts.update_person(cast.learner, email="leyla@example.org")
    enrollment = _enrolment(course, cast.learner)
    services.open_lesson(enrollment, video.pk, at=T0 + timedelta(days=1))
    before, after = _stored("launched")
    assert before["object"]["id"] == after["object"]["id"]
    assert after["object"]["definition"]["name"] == {"en": "The briefing"}
    parents = [s["context"]["contextActivities"]["parent"][0]["id"] for s in (before, after)]
    assert parents[0] == parents[1]
    assert before["actor"]["account"] == after["actor"]["account"]


def test_each_enrolment_has_its_own_registration(cast):
    course = make_course(cast.instructor)
    one = _enrolment(course, cast.learner)
    other = _enrolment(course, cast.manager)
    assert one.registration and other.registration and one.registration != other.registration


def test_a_refused_report_writes_no_statement(cast):
    course, video = _video_course(cast)
    enrollment = _enrolment(course, cast.learner)
    Enrollment.objects.filter(pk=enrollment.pk).update(access_ends_at=T0)
    enrollment.refresh_from_db()
    with pytest.raises(services.ProgressRefused):
        services.record_progress(
            enrollment, video.pk, _report(1, intervals=[[0, 5]]), at=T0 + timedelta(hours=1)
        )
    assert Statement.objects.count() == 0


def test_it_records_a_package_once_per_verb_however_often_it_commits(cast):
    from tests.scorm.test_package_result import package_course

    course, lesson, enrollment = package_course(cast)
    enrollment = _enrolment(course, cast.learner)
    now = timezone.now()
    values = {"score": 0.5, "active_seconds": 0.0, "at": now}
    for _ in range(2):
        services.record_package_result(
            enrollment, lesson.pk, completed=True, passed=False, progress=0.5, **values
        )
    values["score"] = 0.9
    for _ in range(2):
        services.record_package_result(
            enrollment, lesson.pk, completed=True, passed=True, progress=1.0, **values
        )
    verbs = [d["verb"]["id"].removeprefix(ADL) for d in _stored()]
    assert verbs == ["progressed", "failed", "progressed", "passed", "completed", "completed"]
    [passed] = _stored("passed")
    assert passed["result"]["score"]["scaled"] == 0.9 and passed["result"]["success"] is True


def test_it_records_a_completed_learning_path(cast):
    from lectio.catalog import paths as catalog_paths
    from lectio.learning import paths

    course = make_course(cast.instructor, "Security", pages=1)
    path = catalog_paths.create_path(title="Essentials", by=cast.instructor)
    catalog_paths.add_course_step(path, course)
    catalog_paths.publish_path(path, by=cast.instructor)
    path.refresh_from_db()
    following = paths.self_enroll_in_path(cast.learner, path)
    enrollment = _enrolment(course, cast.learner)
    page = course.lessons.get()
    services.record_progress(enrollment, page.pk, _report(1, completed=True), at=timezone.now())
    paths.refresh(following)
    paths.refresh(following)  # already complete: nothing more
    [done] = [d for d in _stored("completed") if "/path/" in d["object"]["id"]]
    assert done["object"]["id"] == statements.activity_iri("path", str(path.key))
    assert done["object"]["definition"]["name"] == {"en": "Essentials"}
    assert done["actor"]["account"]["name"] == str(cast.learner.pk)


def test_the_migrations_give_existing_enrolments_distinct_registrations(transactional_db, cast):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    course = make_course(cast.instructor)
    for person in (cast.learner, cast.manager, cast.outsider):
        services.enroll(person, course, source="self")
    executor = MigrationExecutor(connection)
    executor.migrate([("learning", "0010_enrollment_registration")])
    Enrollment.objects.update(registration=None)  # as they were before the field existed
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    registrations = list(Enrollment.objects.values_list("registration", flat=True))
    assert len(registrations) == 3 and None not in registrations
    assert len(set(registrations)) == 3
