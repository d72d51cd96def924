"""The learner's pages for learning paths: the catalogue, the programme page and the
dashboard, with query counts that do not grow with the data."""

import pytest

from lectio.catalog import paths as catalog_paths
from lectio.learning import paths
from lectio.learning.models import Enrollment, PathEnrollment
from tests.helpers import client_for, make_course


def make_path(author, title="Compliance Essentials", *, required=2, electives=2, pick=1, **kw):
    path = catalog_paths.create_path(title=title, by=author, **kw)
    for n in range(required):
        catalog_paths.add_course_step(path, make_course(author, f"{title} required {n}", pages=1))
    if electives:
        courses = [make_course(author, f"{title} elective {n}", pages=1) for n in range(electives)]
        catalog_paths.add_elective_step(path, courses, pick=pick, title="Your choice")
    catalog_paths.publish_path(path, by=author)
    path.refresh_from_db()
    return path


def test_the_catalogue_shows_open_published_paths_beside_courses(cast):
    make_path(cast.instructor, "Compliance Essentials", summary="The essentials")
    make_path(cast.instructor, "Managers Only", visibility="assigned")
    draft = catalog_paths.create_path(title="Draft Programme", by=cast.instructor)
    assert draft.live_version is None
    html = client_for(cast.learner).get("/courses/").content.decode()
    assert "Programmes" in html and "Compliance Essentials" in html and "The essentials" in html
    assert "Managers Only</a>" not in html and "Draft Programme" not in html
    html = client_for(cast.learner).get("/courses/?q=nothing-like-it").content.decode()
    assert "Compliance Essentials" not in html


def test_the_catalogue_shows_paths_in_the_readers_language(cast):
    path = catalog_paths.create_path(title="Essentials", by=cast.instructor)
    catalog_paths.set_path_variants(path, {"tr": {"title": "Temeller"}})
    catalog_paths.add_course_step(path, make_course(cast.instructor, "Security", pages=1))
    catalog_paths.publish_path(path, by=cast.instructor)
    assert "Temeller" in client_for(cast.manager).get("/courses/").content.decode()


def test_the_path_page_shows_the_steps_and_the_enrol_button(cast):
    path = make_path(cast.instructor)
    client = client_for(cast.learner)
    html = client.get(f"/programmes/{path.slug}/").content.decode()
    assert "Enrol in the programme" in html and "Any 1 of 2" in html
    assert "Compliance Essentials required 0" in html
    client.post(f"/programmes/{path.slug}/enrol/")
    html = client.get(f"/programmes/{path.slug}/").content.decode()
    assert "Enrol in the programme" not in html
    assert '<progress max="100" value="0"' in html
    assert html.count("Not enrolled") == 2 and html.count(">Choose<") == 2
    assert "0 of 1 done" in html


def test_draft_and_unknown_paths_are_not_found(cast):
    draft = catalog_paths.create_path(title="Draft", by=cast.instructor)
    client = client_for(cast.learner)
    assert client.get(f"/programmes/{draft.slug}/").status_code == 404
    assert client.get("/programmes/no-such-thing/").status_code == 404
    assert client.post(f"/programmes/{draft.slug}/enrol/").status_code == 404


def test_the_path_page_is_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    path = make_path(cast.instructor, required=1, electives=1)
    paths.self_enroll_in_path(cast.learner, path)
    client = client_for(cast.learner)
    url = f"/programmes/{path.slug}/"
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        catalog_paths.add_course_step(path, make_course(cast.instructor, f"More {n}", pages=1))
    catalog_paths.add_elective_step(
        path, [make_course(cast.instructor, f"Choice {n}", pages=1) for n in range(4)], pick=2
    )
    catalog_paths.publish_path(path, by=cast.instructor)
    paths.self_enroll_in_path(cast.learner, path)
    assert Enrollment.objects.filter(user=cast.learner).count() == 5
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "More 3" in html and "Choice 3" in html


def test_the_catalogue_is_a_fixed_number_of_queries_with_paths(cast, django_assert_max_num_queries):
    make_path(cast.instructor, "First", required=1, electives=0)
    client = client_for(cast.learner)
    client.get("/courses/")
    with django_assert_max_num_queries(10) as few:
        assert client.get("/courses/").status_code == 200
    for n in range(4):
        paths.self_enroll_in_path(
            cast.learner, make_path(cast.instructor, f"Path {n}", required=1, electives=0)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/courses/").content.decode()
    assert "Path 3" in html


def test_the_dashboard_lists_my_programmes_with_progress(cast, django_assert_max_num_queries):
    path = make_path(cast.instructor)
    client = client_for(cast.learner)
    assert "My programmes" not in client.get("/learn/").content.decode()
    paths.self_enroll_in_path(cast.learner, path)
    client.get("/learn/")
    with django_assert_max_num_queries(8) as few:
        html = client.get("/learn/").content.decode()
    assert "My programmes" in html and f'href="/programmes/{path.slug}/"' in html
    for n in range(4):
        paths.self_enroll_in_path(
            cast.learner, make_path(cast.instructor, f"Path {n}", required=1, electives=0)
        )
    # A completed path links its certificate: one more query only then.
    PathEnrollment.objects.filter(path=path).update(progress_percent=100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/learn/").content.decode()
    assert html.count('href="/programmes/') == 5


@pytest.mark.django_db(transaction=True)
def test_a_completed_path_links_its_certificate_on_the_dashboard_and_its_page(cast):
    from lectio.learning import services as learning
    from lectio.learning.services import Report

    path = make_path(cast.instructor, required=1, electives=0)
    path_enrollment = paths.self_enroll_in_path(cast.learner, path)
    enrollment = Enrollment.objects.get(user=cast.learner)
    lesson = enrollment.course.lessons.get()
    learning.record_progress(enrollment, lesson.pk, Report(client="a", seq=1, completed=True))
    path_enrollment.refresh_from_db()
    assert path_enrollment.completed_at is not None
    code = path_enrollment.certificates.get().code
    client = client_for(cast.learner)
    assert f"/certificates/{code}.pdf" in client.get("/learn/").content.decode()
    assert f"/certificates/{code}.pdf" in client.get(f"/programmes/{path.slug}/").content.decode()


def test_the_path_page_is_translated(cast):
    path = make_path(cast.instructor)
    html = client_for(cast.manager).get(f"/programmes/{path.slug}/").content.decode()
    assert "Programa kaydol" in html and "2 kurstan herhangi 1 tanesi" in html


def test_the_administrators_enrolment_page_is_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    from lectio.accounts import services as accounts

    path = make_path(cast.instructor, required=1, electives=0)
    paths.enroll_in_path(cast.learner, path, source="admin")
    client = client_for(cast.admin)
    url = f"/programmes/{path.slug}/enrolments/"
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        person = accounts.create_person(email=f"p{n}@example.com", full_name=f"Person {n}")
        paths.enroll_in_path(person, path, source="admin")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Person 5" in html
