from lectio.catalog import services as catalog
from lectio.catalog.models import Course
from lectio.learning.models import Enrollment
from tests.helpers import client_for, make_course


def _titles(response) -> list[str]:
    return [c.live_version.title for c in response.context["page"].object_list]


def test_learners_see_only_live_open_courses(cast):
    make_course(cast.instructor, "Fire Safety")
    make_course(cast.instructor, "Draft Only", publish=False)
    archived = make_course(cast.instructor, "Old Course")
    catalog.archive_course(archived)
    make_course(cast.instructor, "Managers Only", visibility=Course.Visibility.ASSIGNED)
    response = client_for(cast.learner).get("/courses/")
    assert _titles(response) == ["Fire Safety"]


def test_learners_see_the_published_title_not_the_draft(cast):
    course = make_course(cast.instructor, "Fire Safety")
    catalog.update_course(course, title="Fire Safety (new draft)")
    assert _titles(client_for(cast.learner).get("/courses/")) == ["Fire Safety"]


def test_search_by_words_tag_and_language(cast):
    make_course(cast.instructor, "Fire Safety", summary="Extinguishers and exits", tags=["safety"])
    make_course(cast.instructor, "Bilgi Güvenliği", language="tr", tags=["security"])
    make_course(cast.instructor, "Onboarding", description="<p>Welcome to the company</p>")
    client = client_for(cast.learner)
    assert _titles(client.get("/courses/", {"q": "extinguisher"})) == ["Fire Safety"]
    assert _titles(client.get("/courses/", {"q": "welcome"})) == ["Onboarding"]
    assert _titles(client.get("/courses/", {"tag": "Security"})) == ["Bilgi Güvenliği"]
    assert _titles(client.get("/courses/", {"language": "tr"})) == ["Bilgi Güvenliği"]
    assert _titles(client.get("/courses/", {"language": "xx", "q": "fire"})) == ["Fire Safety"]


def test_htmx_search_returns_only_the_results(cast):
    make_course(cast.instructor, "Fire Safety")
    response = client_for(cast.learner).get(
        "/courses/", {"q": "fire"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalogue-results"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="catalogue-results">')
    assert "Fire Safety" in html


def test_the_catalogue_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    make_course(cast.instructor, "Course 0", pages=1)
    client = client_for(cast.learner)
    client.get("/courses/")
    with django_assert_max_num_queries(6) as few:
        client.get("/courses/")
    for number in range(1, 12):
        course = make_course(cast.instructor, f"Course {number}", pages=3, tags=["a", "b"])
        catalog.publish_course(course, by=cast.instructor)
    Enrollment.objects.create(user=cast.learner, course=course)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/courses/")
    assert len(_titles(response)) == 12


def test_the_outline_page_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    course = make_course(cast.instructor, pages=30)
    client = client_for(cast.learner)
    with django_assert_max_num_queries(6):
        response = client.get(f"/courses/{course.slug}/")
    html = response.content.decode()
    assert "Page 30" in html
    assert "Enrol" in html


def test_an_enrolled_learners_course_page_skips_the_catalogue_check(
    cast, django_assert_max_num_queries
):
    course = make_course(cast.instructor, pages=30)
    Enrollment.objects.create(user=cast.learner, course=course)
    client = client_for(cast.learner)
    # The session, the person, the course, the enrolment and its progress: enrolled in a
    # live course, the person may see it whether the catalogue lists it or not.
    with django_assert_max_num_queries(5):
        response = client.get(f"/courses/{course.slug}/")
    assert response.status_code == 200
    assert "Page 30" in response.content.decode()


def test_a_learner_enrols_from_the_catalogue(cast):
    course = make_course(cast.instructor, access_days=30)
    client = client_for(cast.learner)
    response = client.post(f"/courses/{course.slug}/enrol/", follow=True)
    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    assert (enrollment.access_ends_at - enrollment.access_starts_at).days == 30
    html = response.content.decode()
    assert "You are enrolled." in html
    assert "Access until" in html
    # Enrolling again changes nothing.
    client.post(f"/courses/{course.slug}/enrol/")
    assert Enrollment.objects.filter(user=cast.learner).count() == 1


def test_courses_outside_the_catalogue_are_404(cast):
    draft = make_course(cast.instructor, "Draft", publish=False)
    assigned = make_course(cast.instructor, "Assigned", visibility=Course.Visibility.ASSIGNED)
    client = client_for(cast.learner)
    for course in (draft, assigned):
        assert client.get(f"/courses/{course.slug}/").status_code == 404
        assert client.post(f"/courses/{course.slug}/enrol/").status_code == 404
    assert not Enrollment.objects.exists()
    assert client.get("/courses/no-such-course/").status_code == 404


def test_an_enrolled_learner_still_sees_an_assigned_or_archived_course(cast):
    course = make_course(cast.instructor, visibility=Course.Visibility.ASSIGNED)
    Enrollment.objects.create(user=cast.learner, course=course)
    catalog.archive_course(course)
    response = client_for(cast.learner).get(f"/courses/{course.slug}/")
    assert response.status_code == 200
    assert 'action="/courses/' not in response.content.decode()  # no enrol button


def test_the_catalogue_needs_a_sign_in(client, cast):
    assert client.get("/courses/").status_code == 302


def test_languages_are_named_not_coded(cast):
    course = make_course(cast.instructor, language="tr")
    client = client_for(cast.learner)
    assert "Turkish" in client.get("/courses/").content.decode()
    assert "<dd>Turkish</dd>" in client.get(f"/courses/{course.slug}/").content.decode()
