"""The authoring pages for learning paths: who may use them, building and publishing."""

from lectio.catalog import paths
from lectio.catalog.models import LearningPath
from tests.helpers import client_for, make_course


def test_it_requires_an_instructor_or_administrator(cast):
    assert client_for(cast.learner).get("/author/paths/").status_code == 403
    assert client_for(cast.learner).post("/author/paths/new/", {"title": "X"}).status_code == 403
    assert client_for(cast.admin).get("/author/paths/").status_code == 200
    home = client_for(cast.instructor).get("/author/").content.decode()
    assert 'href="/author/paths/"' in home


def test_an_instructor_builds_and_publishes_a_path(cast):
    security = make_course(cast.instructor, "Security")
    excel = make_course(cast.instructor, "Excel")
    ethics = make_course(cast.instructor, "Ethics")
    client = client_for(cast.instructor)
    response = client.post("/author/paths/new/", {"title": "Essentials"})
    path = LearningPath.objects.get()
    assert response.url == f"/author/paths/{path.pk}/" and path.created_by == cast.instructor
    assert (
        client.post(
            f"/author/paths/{path.pk}/steps/course/", {"course-course": security.pk}
        ).status_code
        == 302
    )
    response = client.post(
        f"/author/paths/{path.pk}/steps/elective/",
        {"elective-title": "Pick", "elective-courses": [excel.pk], "elective-pick": 2},
    )
    assert response.status_code == 400
    assert "Choose at least as many courses as must be completed" in response.content.decode()
    client.post(
        f"/author/paths/{path.pk}/steps/elective/",
        {"elective-title": "Pick", "elective-courses": [excel.pk, ethics.pk], "elective-pick": 1},
    )
    page = client.get(f"/author/paths/{path.pk}/").content.decode()
    assert "Security" in page and "Any 1 of 2" in page
    response = client.post(
        f"/author/paths/{path.pk}/",
        {"title": "Essentials", "summary": "S", "language": "en", "visibility": "open",
         "title_tr": "Temeller", "summary_tr": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert client.get(f"/author/paths/{path.pk}/publish/").status_code == 200
    assert client.post(f"/author/paths/{path.pk}/publish/").status_code == 302
    path.refresh_from_db()
    assert path.is_live and path.live_version.title_in("tr") == "Temeller"
    step = path.steps.get(kind="elective")
    response = client.post(
        f"/author/paths/steps/{step.pk}/",
        {"title": "Choose", "courses": [excel.pk, ethics.pk], "pick": 2},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.pick == 2
    client.post(f"/author/paths/steps/{step.pk}/move/up/")
    assert list(path.steps.values_list("kind", flat=True)) == ["elective", "course"]
    client.post(f"/author/paths/steps/{step.pk}/remove/")
    assert path.steps.count() == 1
    client.post(f"/author/paths/{path.pk}/archive/")
    path.refresh_from_db()
    assert path.status == "archived"


def test_the_publish_page_lists_the_problems(cast):
    draft = make_course(cast.instructor, "Unfinished", publish=False)
    path = paths.create_path(title="Essentials", by=cast.instructor)
    paths.add_course_step(path, draft)
    client = client_for(cast.instructor)
    page = client.get(f"/author/paths/{path.pk}/publish/").content.decode()
    assert "The programme cannot be published yet" in page
    assert "Unfinished is not a live published course." in page
    assert client.post(f"/author/paths/{path.pk}/publish/").status_code == 400
    path.refresh_from_db()
    assert path.live_version is None


def test_another_instructors_path_is_not_found(cast):
    from lectio.accounts import services as accounts

    other = accounts.create_person(
        email="other@example.com", full_name="Other", roles=["instructor"]
    )
    path = paths.create_path(title="Mine", by=cast.instructor)
    step = paths.add_course_step(path, make_course(cast.instructor, "Security"))
    client = client_for(other)
    assert client.get(f"/author/paths/{path.pk}/").status_code == 404
    assert client.post(f"/author/paths/steps/{step.pk}/remove/").status_code == 404
    assert client.post(f"/author/paths/{path.pk}/publish/").status_code == 404
    assert "Mine" not in client.get("/author/paths/").content.decode()
    # Administrators edit every path.
    assert client_for(cast.admin).get(f"/author/paths/{path.pk}/").status_code == 200


def test_the_authoring_pages_use_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    path = paths.create_path(title="Essentials", by=cast.instructor)
    paths.add_course_step(path, make_course(cast.instructor, "First"))
    paths.add_elective_step(path, [make_course(cast.instructor, "Second")], pick=1)
    client = client_for(cast.instructor)
    url = f"/author/paths/{path.pk}/"
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for number in range(4):
        paths.add_course_step(path, make_course(cast.instructor, f"Required {number}"))
        paths.add_elective_step(
            path, [make_course(cast.instructor, f"Elective {number}.{n}") for n in range(2)], pick=1
        )
    paths.publish_path(path, by=cast.instructor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
