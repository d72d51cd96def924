from lectio.catalog import services
from lectio.catalog.models import Course, Lesson, Module
from tests.helpers import client_for, make_course


def test_only_instructors_and_administrators_author(cast):
    assert client_for(cast.learner).get("/author/").status_code == 403
    assert client_for(cast.manager).get("/author/").status_code == 403
    assert client_for(cast.instructor).get("/author/").status_code == 200
    assert client_for(cast.admin).get("/author/").status_code == 200


def test_instructors_edit_only_their_own_courses(cast):
    other = make_course(cast.admin, "Admin's course", publish=False)
    client = client_for(cast.instructor)
    assert client.get(f"/author/courses/{other.pk}/").status_code == 404
    assert (
        client.post(f"/author/courses/{other.pk}/modules/new/", {"title": "X"}).status_code == 404
    )
    assert client.post(f"/author/lessons/{other.lessons.first().pk}/remove/").status_code == 404
    assert client_for(cast.admin).get(f"/author/courses/{other.pk}/").status_code == 200


def test_an_instructor_builds_previews_and_publishes_a_course(cast):
    client = client_for(cast.instructor)
    response = client.post("/author/courses/new/", {"title": "Workplace Health and Safety"})
    course = Course.objects.get(title="Workplace Health and Safety")
    assert response["Location"] == f"/author/courses/{course.pk}/"

    outline = client.post(
        f"/author/courses/{course.pk}/modules/new/", {"title": "Hazards"}, HTTP_HX_REQUEST="true"
    )
    assert outline.content.decode().lstrip().startswith('<div id="outline"')
    module = Module.objects.get(course=course)
    response = client.post(
        f"/author/modules/{module.pk}/lessons/new/", {"title": "Spotting hazards", "kind": "page"}
    )
    lesson = Lesson.objects.get(module=module)
    assert response["Location"] == f"/author/lessons/{lesson.pk}/"
    client.post(
        f"/author/lessons/{lesson.pk}/",
        {
            "lesson-title": "Spotting hazards",
            "lesson-required": "on",
            "lesson-estimated_minutes": "5",
            "content-body": "<h2>Look around</h2><script>x()</script>",
        },
    )
    lesson.refresh_from_db()
    assert lesson.content == {"body": "<h2>Look around</h2>"}
    assert lesson.estimated_minutes == 5

    preview = client.get(f"/author/courses/{course.pk}/preview/").content.decode()
    assert "Preview of the draft" in preview and "Spotting hazards" in preview

    response = client.post(f"/author/courses/{course.pk}/publish/", {"notes": "First run"})
    assert response["Location"] == f"/author/courses/{course.pk}/"
    course.refresh_from_db()
    assert course.is_live and course.live_version.notes == "First run"
    page = client.get(f"/author/courses/{course.pk}/").content.decode()
    assert "v1" in page and "First run" in page


def test_the_publish_page_lists_what_is_missing(cast):
    course = make_course(cast.instructor, publish=False)
    services.add_lesson(course.modules.get(), title="Intro video", kind_name="video")
    client = client_for(cast.instructor)
    page = client.get(f"/author/courses/{course.pk}/publish/").content.decode()
    assert "Intro video: The video is not uploaded and processed yet." in page
    client.post(f"/author/courses/{course.pk}/publish/", {"notes": ""})
    course.refresh_from_db()
    assert not course.is_live


def test_lessons_move_with_htmx(cast):
    course = make_course(cast.instructor, pages=2, publish=False)
    second = course.lessons.get(title="Page 2")
    response = client_for(cast.instructor).post(
        f"/author/lessons/{second.pk}/move/up/", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.index("Page 2") < html.index("Page 1")


def test_moves_and_removals_need_post(cast):
    course = make_course(cast.instructor, publish=False)
    lesson = course.lessons.first()
    client = client_for(cast.instructor)
    assert client.get(f"/author/lessons/{lesson.pk}/move/up/").status_code == 405
    assert client.get(f"/author/lessons/{lesson.pk}/remove/").status_code == 405


def test_settings_errors_are_shown_and_nothing_changes(cast):
    course = make_course(cast.instructor, publish=False)
    response = client_for(cast.instructor).post(
        f"/author/courses/{course.pk}/",
        {
            "title": "Renamed",
            "language": "en",
            "visibility": "open",
            "access": "fixed",
            "instructors": [cast.instructor.pk],
        },
    )
    assert response.status_code == 200
    assert "A fixed access period needs an end date." in response.content.decode()
    course.refresh_from_db()
    assert course.title == "Information Security Awareness"


def test_settings_are_saved(cast):
    course = make_course(cast.instructor, publish=False)
    response = client_for(cast.instructor).post(
        f"/author/courses/{course.pk}/",
        {
            "title": "Renamed",
            "summary": "Short",
            "language": "tr",
            "visibility": "assigned",
            "access": "relative",
            "access_days": "30",
            "sequential": "on",
            "valid_months": "12",
            "tags": "security, compliance",
            "instructors": [cast.instructor.pk, cast.admin.pk],
        },
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.language, course.access_days, course.sequential) == (
        "Renamed",
        "tr",
        30,
        True,
    )
    assert sorted(course.tags.values_list("name", flat=True)) == ["compliance", "security"]
    assert set(course.instructors.all()) == {cast.instructor, cast.admin}
    assert course.valid_months == 12
    version = services.publish_course(course, by=cast.instructor)
    assert version.outline["course"]["valid_months"] == 12


def test_archive_and_restore(cast):
    course = make_course(cast.instructor)
    client = client_for(cast.instructor)
    client.post(f"/author/courses/{course.pk}/archive/")
    course.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED
    client.post(f"/author/courses/{course.pk}/archive/")
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED


def test_the_course_editor_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    course = make_course(cast.instructor, pages=2, publish=False)
    client = client_for(cast.instructor)
    client.get(f"/author/courses/{course.pk}/")
    with django_assert_max_num_queries(13) as few:
        client.get(f"/author/courses/{course.pk}/")
    for number in range(4):
        module = services.add_module(course, title=f"Extra {number}")
        for lesson in range(5):
            services.add_lesson(module, title=f"L{number}.{lesson}", kind_name="page")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/author/courses/{course.pk}/")


def test_a_category_is_named_freely_and_reused(cast):
    course = make_course(cast.instructor, publish=False)
    settings = {
        "title": course.title,
        "language": "en",
        "visibility": "open",
        "access": "relative",
        "access_days": "90",
        "instructors": [cast.instructor.pk],
    }
    client = client_for(cast.instructor)
    client.post(f"/author/courses/{course.pk}/", {**settings, "category": "Compliance"})
    other = make_course(cast.instructor, "Other", publish=False)
    client.post(
        f"/author/courses/{other.pk}/", {**settings, "title": "Other", "category": "compliance"}
    )
    course.refresh_from_db()
    other.refresh_from_db()
    assert course.category == other.category and course.category.name == "Compliance"
    client.post(f"/author/courses/{course.pk}/", {**settings, "category": ""})
    course.refresh_from_db()
    assert course.category is None


def test_administrators_can_inspect_courses_and_media_in_django_admin(cast):
    client = client_for(cast.admin)
    make_course(cast.instructor)
    for url in ("/admin/catalog/course/", "/admin/catalog/courseversion/", "/admin/assets/asset/"):
        assert client.get(url).status_code == 200, url
