import pytest
from django.core.exceptions import ValidationError

from lectio.catalog import services
from lectio.catalog.models import Course, Lesson
from tests.helpers import make_course


def _titles(course: Course) -> list[list[str]]:
    outline = services.build_outline(course)
    return [[lesson["title"] for lesson in module["lessons"]] for module in outline["modules"]]


def test_a_new_course_is_a_draft_taught_by_its_creator(cast):
    course = services.create_course(title="Fire Safety", by=cast.instructor)
    assert course.status == Course.Status.DRAFT
    assert course.slug == "fire-safety"
    assert list(course.instructors.all()) == [cast.instructor]
    assert services.create_course(title="Fire Safety", by=cast.instructor).slug.startswith(
        "fire-safety-"
    )


def test_the_description_is_sanitised(cast):
    course = services.create_course(
        title="X",
        by=cast.instructor,
        description='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">a</a></p>',
    )
    assert "script" not in course.description
    assert "onclick" not in course.description
    assert "javascript" not in course.description
    assert course.description.startswith("<p>Hi")


def test_lessons_and_modules_keep_their_order_and_move(cast):
    course = services.create_course(title="Order", by=cast.instructor)
    first = services.add_module(course, title="First")
    second = services.add_module(course, title="Second")
    a = services.add_lesson(first, title="A", kind_name="page")
    b = services.add_lesson(first, title="B", kind_name="page")
    c = services.add_lesson(second, title="C", kind_name="page")
    assert _titles(course) == [["A", "B"], ["C"]]
    services.move_lesson(b, up=True)
    assert _titles(course) == [["B", "A"], ["C"]]
    services.move_lesson(Lesson.objects.get(pk=a.pk), up=False)  # past the end: next module
    assert _titles(course) == [["B"], ["A", "C"]]
    services.move_lesson(Lesson.objects.get(pk=c.pk), up=True)
    services.move_lesson(Lesson.objects.get(pk=c.pk), up=True)  # into the first module
    assert _titles(course) == [["B", "C"], ["A"]]
    services.move_module(second, up=True)
    assert _titles(course) == [["A"], ["B", "C"]]
    services.move_module(second, up=True)  # already first: nothing happens
    assert _titles(course) == [["A"], ["B", "C"]]


def test_removing_keeps_the_rows_for_the_records(cast):
    course = make_course(cast.instructor, pages=2, publish=False)
    lesson = course.lessons.first()
    services.remove_lesson(lesson)
    assert _titles(course) == [["Page 2"]]
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    services.remove_module(course.modules.get())
    assert _titles(course) == []
    assert Lesson.objects.filter(course=course, removed_at__isnull=False).count() == 2


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("page", "Empty: The page has no text yet."),
        ("video", "Empty: The video is not uploaded and processed yet."),
        ("document", "Empty: The document is not uploaded yet."),
        ("presentation", "Empty: The slides are not uploaded yet."),
    ],
)
def test_a_lesson_without_content_blocks_publishing(cast, kind, problem):
    course = make_course(cast.instructor, pages=1, publish=False)
    services.add_lesson(course.modules.get(), title="Empty", kind_name=kind)
    assert services.publish_problems(course) == [problem]
    with pytest.raises(ValidationError):
        services.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT and course.live_version is None


def test_a_package_lesson_needs_its_package_before_publishing(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    services.add_lesson(course.modules.get(), title="Package", kind_name="package")
    assert services.publish_problems(course) == [
        "Package: Upload a SCORM or cmi5 package (a zip file) for this lesson."
    ]


def test_a_quiz_without_questions_cannot_be_published(cast):
    course = make_course(cast.instructor, pages=1, publish=False)
    services.add_lesson(course.modules.get(), title="Final quiz", kind_name="quiz")
    assert services.publish_problems(course) == ["Final quiz: The quiz has no questions yet."]


def test_an_empty_course_cannot_be_published(cast):
    course = services.create_course(title="Empty", by=cast.instructor)
    assert services.publish_problems(course) == ["The course has no lessons yet."]


def test_publishing_makes_a_version_live_and_the_draft_stays_private(cast):
    course = make_course(cast.instructor, publish=False)
    version = services.publish_course(course, by=cast.instructor, notes="First run")
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED and course.live_version == version
    assert (version.number, version.published_by, version.notes) == (
        1,
        cast.instructor,
        "First run",
    )
    assert version.changes["added"] == ["Page 1", "Page 2"]
    # Editing the draft changes nothing learners see until the next publish.
    page = course.lessons.get(title="Page 1")
    services.update_lesson(page, title="Page one", content={"body": "<p>New</p>"})
    course.refresh_from_db()
    assert course.live_version.outline["modules"][0]["lessons"][0]["title"] == "Page 1"
    assert services.has_unpublished_changes(course)


def test_republishing_keeps_lesson_identity_and_records_what_changed(cast):
    course = make_course(cast.instructor)
    first = course.live_version
    page1 = course.lessons.get(title="Page 1")
    services.update_lesson(page1, content={"body": "<p>Revised policy</p>"})
    services.remove_lesson(course.lessons.get(title="Page 2"))
    page3 = services.add_lesson(course.modules.get(), title="Page 3", kind_name="page")
    services.update_lesson(page3, content={"body": "<p>Three</p>"})
    second = services.publish_course(course, by=cast.admin, major=True, notes="New policy")
    assert (second.number, second.major) == (2, True)
    assert second.changes == {
        "added": ["Page 3"],
        "removed": ["Page 2"],
        "changed": ["Page 1"],
        "settings": [],
    }
    keys = [lesson["key"] for lesson in second.outline["modules"][0]["lessons"]]
    assert str(page1.key) in keys
    assert first.outline["modules"][0]["lessons"][0]["key"] == str(page1.key)
    assert list(course.versions.values_list("number", flat=True)) == [2, 1]


def test_settings_changes_are_recorded_too(cast):
    course = make_course(cast.instructor)
    services.update_course(course, sequential=True, access_days=30)
    version = services.publish_course(course, by=cast.instructor)
    assert version.changes["settings"] == ["access_days", "sequential"]
    course.refresh_from_db()
    assert not services.has_unpublished_changes(course)


def test_archiving_takes_the_course_out_and_restoring_brings_it_back(cast):
    course = make_course(cast.instructor)
    services.archive_course(course)
    assert not Course.objects.live().filter(pk=course.pk).exists()
    services.restore_course(course)
    assert Course.objects.live().filter(pk=course.pk).exists()


def test_fixed_access_needs_an_end_after_its_start(cast):
    from datetime import UTC, datetime

    with pytest.raises(ValidationError):
        services.create_course(
            title="Run",
            by=cast.instructor,
            access=Course.Access.FIXED,
            access_starts_at=datetime(2026, 3, 1, tzinfo=UTC),
            access_ends_at=datetime(2026, 2, 1, tzinfo=UTC),
        )
    course = services.create_course(title="Run", by=cast.instructor, access=Course.Access.FIXED)
    page = services.add_lesson(services.add_module(course, title="M"), title="Q", kind_name="page")
    services.update_lesson(page, content={"body": "<p>Text</p>"})
    assert services.publish_problems(course) == ["A fixed access period needs an end date."]


def test_a_course_keeps_at_least_one_instructor(cast):
    course = services.create_course(title="X", by=cast.instructor)
    with pytest.raises(ValidationError):
        services.set_instructors(course, [])


def test_content_changes_merge_into_what_is_stored_not_a_stale_copy(cast):
    course = make_course(cast.instructor, publish=False)
    stale = services.add_lesson(course.modules.get(), title="Video", kind_name="video")
    services.update_lesson(Lesson.objects.get(pk=stale.pk), content={"asset": "k1"})  # elsewhere
    services.update_lesson(stale, content={"no_skip": True})
    assert Lesson.objects.get(pk=stale.pk).content == {"asset": "k1", "no_skip": True}
