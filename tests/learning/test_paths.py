"""Following a learning path: enrolling, progress moved by the one write path when a course
completes (electives counted up to their number), completion and its certificate."""

import pytest
from django.core.exceptions import ValidationError

from lectio.catalog import paths as catalog_paths
from lectio.certificates.models import Certificate
from lectio.learning import hooks, paths
from lectio.learning import services as learning
from lectio.learning.models import Enrollment, PathEnrollment
from lectio.learning.services import Report
from tests.helpers import client_for, make_course

# Hooks run after commit, as in production: every test commits for real.
pytestmark = pytest.mark.django_db(transaction=True)


def complete(user, course, seq=1):
    """Read every page of the course to the end through the real write path."""
    enrollment = learning.enroll(user, course, source="self")
    for lesson in course.lessons.all():
        learning.record_progress(enrollment, lesson.pk, Report(client="a", seq=seq, completed=True))
    enrollment.refresh_from_db()
    return enrollment


@pytest.fixture
def programme(cast):
    """Two required courses, then any 2 of 3 electives."""
    required = [make_course(cast.instructor, t, pages=1) for t in ("Security", "Safety")]
    electives = [make_course(cast.instructor, t, pages=1) for t in ("Excel", "Ethics", "GDPR")]
    path = catalog_paths.create_path(title="Compliance Essentials", by=cast.instructor)
    for course in required:
        catalog_paths.add_course_step(path, course)
    catalog_paths.add_elective_step(path, electives, pick=2, title="Specialist")
    catalog_paths.publish_path(path, by=cast.instructor)
    path.refresh_from_db()
    return path, required, electives


def test_the_progress_counts_required_steps_and_electives_up_to_their_number():
    outline = {
        "steps": [
            {"kind": "course", "course": 1},
            {"kind": "elective", "pick": 2, "courses": [{"course": c} for c in (2, 3, 4)]},
            {"kind": "elective", "pick": 1, "courses": [{"course": c} for c in (5, 6)]},
        ]
    }
    assert paths.path_progress(outline, set()) == (0, 4)
    assert paths.path_progress(outline, {1}) == (1, 4)
    assert paths.path_progress(outline, {2, 3, 4}) == (2, 4)  # a third elective adds nothing
    assert paths.path_progress(outline, {1, 2, 3, 5, 6}) == (4, 4)
    assert paths.percent(3, 4) == 75 and paths.percent(0, 0) == 0


def test_enrolling_enrols_in_the_required_courses_only(cast, programme):
    path, required, _electives = programme
    path_enrollment = paths.self_enroll_in_path(cast.learner, path)
    assert path_enrollment.progress_percent == 0 and path_enrollment.source == "self"
    assert set(Enrollment.objects.filter(user=cast.learner).values_list("course", flat=True)) == {
        c.pk for c in required
    }
    # Idempotent.
    assert paths.self_enroll_in_path(cast.learner, path).pk == path_enrollment.pk
    assert PathEnrollment.objects.count() == 1


def test_completing_courses_moves_the_path_to_completion_once(cast, programme, settings):
    path, required, electives = programme
    announced: list[int] = []
    hook = hooks.on_path_completed(announced.append)
    try:
        path_enrollment = paths.self_enroll_in_path(cast.learner, path)
        steps = []
        for course in [*required, electives[0], electives[1], electives[2]]:
            complete(cast.learner, course)
            path_enrollment.refresh_from_db()
            steps.append(path_enrollment.progress_percent)
        assert steps == [25, 50, 75, 100, 100]
        assert path_enrollment.completed_at is not None
        assert announced == [path_enrollment.pk]  # the third elective announced nothing
    finally:
        hooks._path_completed.remove(hook)
    # The certificate of the path: once, without expiry, verifiable.
    certificate = Certificate.objects.get(path_enrollment=path_enrollment)
    assert certificate.is_path and certificate.course_title == "Compliance Essentials"
    assert certificate.expires_at is None and certificate.path_id == path.pk
    assert certificate.course_id is None and certificate.enrollment_id is None
    from lectio.certificates import services as certificates

    assert certificates.issue_for_path(path_enrollment) == certificate
    page = client_for(cast.outsider).get(f"/verify/{certificate.code}/").content.decode()
    assert "This certificate is valid." in page and "Programme" in page
    assert "Compliance Essentials" in page
    # The course certificates are there too, one per course.
    assert Certificate.objects.filter(user=cast.learner, enrollment__isnull=False).count() == 5


def test_courses_completed_before_enrolling_count(cast, programme):
    path, required, electives = programme
    for course in (*required, *electives[:2]):
        complete(cast.learner, course)
    path_enrollment = paths.enroll_in_path(cast.learner, path, source="admin")
    assert path_enrollment.progress_percent == 100 and path_enrollment.completed_at
    assert Certificate.objects.filter(path_enrollment=path_enrollment).count() == 1


def test_a_course_outside_the_path_or_another_persons_changes_nothing(cast, programme):
    path, required, _electives = programme
    mine = paths.self_enroll_in_path(cast.learner, path)
    complete(cast.learner, make_course(cast.instructor, "Unrelated", pages=1))
    complete(cast.outsider, required[0])
    mine.refresh_from_db()
    assert mine.progress_percent == 0


def test_electives_are_chosen_one_by_one_by_people_following_the_path(cast, programme):
    path, required, electives = programme
    client = client_for(cast.learner)
    url = f"/programmes/{path.slug}/electives/{electives[0].pk}/enrol/"
    assert client.post(url).status_code == 404  # not following the path yet
    assert client.post(f"/programmes/{path.slug}/enrol/").status_code == 302
    assert client.post(url).status_code == 302
    assert Enrollment.objects.filter(user=cast.learner, course=electives[0]).exists()
    # A required course is not an elective; neither is a course outside the path.
    with pytest.raises(ValidationError):
        paths.choose_elective(PathEnrollment.objects.get(), required[0])
    other = make_course(cast.instructor, "Other", pages=1)
    client.post(f"/programmes/{path.slug}/electives/{other.pk}/enrol/")
    assert not Enrollment.objects.filter(user=cast.learner, course=other).exists()


def test_an_assigned_only_path_is_not_open_for_self_enrolment(cast, programme):
    path, _required, _electives = programme
    catalog_paths.update_path(path, visibility="assigned")
    catalog_paths.publish_path(path, by=cast.instructor)
    with pytest.raises(ValidationError):
        paths.self_enroll_in_path(cast.learner, path)
    assert client_for(cast.learner).get(f"/programmes/{path.slug}/").status_code == 404
    # An administrator's enrolment opens its page to the person.
    paths.enroll_people_in_path(path, [cast.learner])
    assert client_for(cast.learner).get(f"/programmes/{path.slug}/").status_code == 200


def test_administrators_enrol_people_by_email(cast, programme):
    path, required, _electives = programme
    url = f"/programmes/{path.slug}/enrolments/"
    assert client_for(cast.learner).get(url).status_code == 403
    admin = client_for(cast.admin)
    response = admin.post(url, {"emails": "learner@example.com, outsider@example.com"})
    assert response.status_code == 302
    assert PathEnrollment.objects.filter(path=path, source="admin").count() == 2
    assert Enrollment.objects.filter(course__in=required, source="admin").count() == 4
    page = admin.get(url).content.decode()
    assert "Leyla Learner" in page and "Otto Outsider" in page
    response = admin.post(url, {"emails": "nobody@example.com"})
    assert "No one has these addresses" in response.content.decode()


def test_a_republished_path_brings_its_followers_up_to_date_in_the_worker(cast, programme):
    from tests.helpers import run_worker

    path, required, electives = programme
    path_enrollment = paths.self_enroll_in_path(cast.learner, path)
    for course in required:
        complete(cast.learner, course)
    complete(cast.learner, electives[0])
    path_enrollment.refresh_from_db()
    assert path_enrollment.progress_percent == 75
    # A new required course: the follower is enrolled in it, and the progress recomputed.
    extra = make_course(cast.instructor, "Extra", pages=1)
    catalog_paths.add_course_step(path, extra)
    catalog_paths.publish_path(path, by=cast.instructor)
    run_worker()
    assert Enrollment.objects.filter(user=cast.learner, course=extra).exists()
    path_enrollment.refresh_from_db()
    assert path_enrollment.progress_percent == 60
    # Asking for one elective instead of two completes the path for them.
    step = path.steps.get(kind="elective")
    catalog_paths.update_elective_step(step, electives, pick=1)
    catalog_paths.remove_step(path.steps.get(course=extra))
    catalog_paths.publish_path(path, by=cast.instructor)
    run_worker()
    path_enrollment.refresh_from_db()
    assert path_enrollment.completed_at is not None and path_enrollment.progress_percent == 100
    assert Certificate.objects.filter(path_enrollment=path_enrollment).count() == 1
