"""Learning paths in catalog: building the draft, the publishing rules, the frozen outline."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lectio.catalog import paths
from lectio.catalog import services as catalog
from lectio.catalog.models import LearningPath, PathStep
from tests.helpers import make_course


@pytest.fixture
def courses(cast):
    return [make_course(cast.instructor, title) for title in ("Alpha", "Bravo", "Charlie")]


def test_it_publishes_required_courses_and_electives_as_a_frozen_outline(cast, courses):
    alpha, bravo, charlie = courses
    path = paths.create_path(title="Compliance Essentials", by=cast.instructor, summary="All")
    paths.add_course_step(path, alpha)
    paths.add_elective_step(path, [charlie, bravo], pick=1, title="Your choice")
    version = paths.publish_path(path, by=cast.instructor)
    path.refresh_from_db()
    assert path.is_live and path.live_version == version and version.number == 1
    assert version.outline["steps"] == [
        {"kind": "course", "course": alpha.pk, "title": "Alpha"},
        {
            "kind": "elective",
            "title": "Your choice",
            "pick": 1,
            "courses": [
                {"course": bravo.pk, "title": "Bravo"},
                {"course": charlie.pk, "title": "Charlie"},
            ],
        },
    ]
    assert paths.required_course_ids(version.outline) == [alpha.pk]
    assert paths.path_course_ids(version.outline) == [alpha.pk, bravo.pk, charlie.pk]
    # Later edits change the draft only, until the next publish.
    paths.remove_step(path.steps.get(kind="course"))
    path.refresh_from_db()
    assert len(path.live_version.outline["steps"]) == 2
    assert paths.has_unpublished_changes(path)
    second = paths.publish_path(path, by=cast.instructor)
    assert second.number == 2 and len(second.outline["steps"]) == 1
    assert not paths.has_unpublished_changes(LearningPath.objects.get(pk=path.pk))


def test_only_live_published_courses_may_be_in_a_published_path(cast, courses):
    draft = make_course(cast.instructor, "Draft course", publish=False)
    archived = make_course(cast.instructor, "Old course")
    catalog.archive_course(archived)
    path = paths.create_path(title="P", by=cast.instructor)
    paths.add_course_step(path, courses[0])
    paths.add_course_step(path, draft)
    paths.add_elective_step(path, [archived, courses[1]], pick=1)
    with pytest.raises(ValidationError) as caught:
        paths.publish_path(path, by=cast.instructor)
    assert caught.value.messages == [
        "Step 2: Draft course is not a live published course.",
        "Step 3: Old course is not a live published course.",
    ]
    path.refresh_from_db()
    assert path.status == "draft" and path.live_version is None


def test_it_refuses_an_empty_path_and_a_course_twice(cast, courses):
    path = paths.create_path(title="P", by=cast.instructor)
    assert paths.path_problems(path) == ["The path has no steps yet."]
    paths.add_course_step(path, courses[0])
    paths.add_elective_step(path, [courses[0], courses[1]], pick=1)
    assert paths.path_problems(path) == ["Step 2: Alpha is already in the path."]


@pytest.mark.parametrize("pick", [0, 3])
def test_an_elective_group_asks_for_between_one_and_all_of_its_courses(cast, courses, pick):
    path = paths.create_path(title="P", by=cast.instructor)
    with pytest.raises(ValidationError):
        paths.add_elective_step(path, courses[:2], pick=pick)
    with pytest.raises(ValidationError):
        paths.add_elective_step(path, [], pick=1)
    assert not path.steps.exists()
    step = paths.add_elective_step(path, courses, pick=3)
    paths.update_elective_step(step, courses[:2], pick=2, title="Two")
    step.refresh_from_db()
    assert (step.pick, step.title, step.courses.count()) == (2, "Two", 2)


def test_the_database_refuses_a_course_step_without_a_course(cast):
    path = paths.create_path(title="P", by=cast.instructor)
    with pytest.raises(IntegrityError), transaction.atomic():
        PathStep.objects.create(path=path, kind="course", position=1)


def test_steps_move_reorder_and_renumber(cast, courses):
    path = paths.create_path(title="P", by=cast.instructor)
    a, b, c = (paths.add_course_step(path, course) for course in courses)
    paths.move_step(c, up=True)
    assert list(path.steps.values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    paths.move_step(a, up=True)  # already first: nothing changes
    paths.reorder_steps(path, [b.pk, a.pk, c.pk])
    assert list(path.steps.values_list("pk", flat=True)) == [b.pk, a.pk, c.pk]
    with pytest.raises(ValidationError):
        paths.reorder_steps(path, [b.pk, a.pk])
    paths.remove_step(path.steps.get(pk=a.pk))
    assert list(path.steps.values_list("position", flat=True)) == [1, 2]


def test_archiving_takes_a_path_out_of_the_catalogue_and_restoring_brings_it_back(cast, courses):
    from lectio.catalog.permissions import path_catalogue_for

    path = paths.create_path(title="P", by=cast.instructor)
    paths.add_course_step(path, courses[0])
    paths.publish_path(path, by=cast.instructor)
    assert list(path_catalogue_for(cast.learner)) == [path]
    paths.archive_path(path)
    assert not path_catalogue_for(cast.learner).exists()
    paths.restore_path(path)
    assert path.status == "published"
    paths.update_path(path, visibility="assigned")
    paths.publish_path(path, by=cast.instructor)
    assert not path_catalogue_for(cast.learner).exists()


def test_titles_in_other_languages(cast, courses):
    path = paths.create_path(title="Essentials", by=cast.instructor, summary="Basics")
    paths.set_path_variants(path, {"tr": {"title": "Temeller", "summary": ""}})
    with pytest.raises(ValidationError):
        paths.set_path_variants(path, {"en": {"title": "Same language"}})
    paths.add_course_step(path, courses[0])
    version = paths.publish_path(path, by=cast.instructor)
    assert version.title_in("tr") == "Temeller" and version.summary_in("tr") == "Basics"
    localized = paths.localize_path(version.outline, "tr")
    assert localized["path"]["title"] == "Temeller"
