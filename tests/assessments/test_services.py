"""Categories, questions and versions through the services."""

import pytest
from django.db import IntegrityError

from lectio.assessments import services
from lectio.assessments.models import Category, Question, QuestionVersion, VersionIsImmutable
from lectio.assessments.qtypes import QuestionDataError
from tests.assessments.data import RAW, prompt


def make_question(cast, type_name="single", category=None, **extra):
    category = category or services.category_path(["Safety"])
    return services.create_question(
        category=category,
        type=type_name,
        prompt=prompt(type_name),
        data=RAW[type_name],
        by=cast.instructor,
        **extra,
    )


def test_it_builds_a_materialised_path_tree(db):
    safety = services.create_category(name="Safety")
    fire = services.create_category(name="Fire", parent=safety)
    drills = services.create_category(name="Drills", parent=fire)
    assert drills.path == f"/{safety.pk}/{fire.pk}/{drills.pk}/"
    assert drills.depth == 2
    assert set(safety.subtree()) == {safety, fire, drills}
    assert drills.ancestor_ids() == [safety.pk, fire.pk]


def test_it_moves_a_subtree(db):
    safety = services.create_category(name="Safety")
    fire = services.create_category(name="Fire", parent=safety)
    drills = services.create_category(name="Drills", parent=fire)
    other = services.create_category(name="Other")
    services.move_category(fire, other)
    drills.refresh_from_db()
    assert drills.path == f"/{other.pk}/{fire.pk}/{drills.pk}/"
    assert drills.depth == 2
    with pytest.raises(QuestionDataError):
        services.move_category(other, drills)


def test_sibling_names_are_unique_whatever_the_case(db):
    safety = services.create_category(name="Safety")
    services.create_category(name="Fire", parent=safety)
    with pytest.raises(IntegrityError):
        services.create_category(name="fire", parent=safety)


def test_category_path_reuses_and_creates(db):
    safety = services.create_category(name="Safety")
    fire = services.category_path(["safety", "Fire"])
    assert fire.parent == safety
    assert services.category_path(["Safety", "FIRE"]) == fire
    assert Category.objects.count() == 2


@pytest.mark.parametrize("type_name", sorted(RAW))
def test_it_creates_every_type_with_a_first_version(cast, type_name):
    question = make_question(cast, type_name, tags=["fire", "Fire", " basics "])
    version = question.current_version
    assert version.number == 1
    assert version.type == type_name
    assert version.created_by == cast.instructor
    assert sorted(t.name for t in question.tags.all()) == ["basics", "fire"]


def test_prompt_and_feedback_html_is_sanitised(cast):
    question = services.create_question(
        category=services.create_category(name="Safety"),
        type="truefalse",
        prompt='<p onclick="x()">Safe?<script>alert(1)</script></p>',
        data={"answer": True, "feedback_true": "<b>Yes</b><img src=x onerror=y>"},
        general_feedback="<style>p{}</style>Because.",
        by=cast.instructor,
    )
    version = question.current_version
    assert version.prompt == "<p>Safe?</p>"
    assert version.data["feedback_true"] == "<b>Yes</b>"
    assert version.general_feedback == "Because."


def test_invalid_data_writes_nothing(cast):
    category = services.create_category(name="Safety")
    with pytest.raises(QuestionDataError) as error:
        services.create_question(
            category=category, type="single", prompt="<p>Q?</p>", data={"choices": []}, by=None
        )
    assert error.value.problems == ["Give at least two choices."]
    assert Question.objects.count() == 0


def test_a_question_needs_text(cast):
    with pytest.raises(QuestionDataError) as error:
        services.create_question(
            category=services.create_category(name="S"),
            type="essay",
            prompt="<script>x</script>",
            data={},
            by=None,
        )
    assert error.value.problems == ["The question has no text."]


def test_editing_makes_a_new_version_and_keeps_the_old(cast):
    question = make_question(cast)
    first = question.current_version
    second = services.revise_question(question, by=cast.admin, prompt="<p>Changed?</p>")
    question.refresh_from_db()
    assert question.current_version == second
    assert second.number == 2
    assert second.data == first.data
    first.refresh_from_db()
    assert first.prompt == prompt("single")
    assert list(question.versions.values_list("number", flat=True)) == [1, 2]


def test_versions_are_immutable(cast):
    version = make_question(cast).current_version
    version.prompt = "<p>Sneaky edit</p>"
    with pytest.raises(VersionIsImmutable):
        version.save()
    assert QuestionVersion.objects.get(pk=version.pk).prompt == prompt("single")


def test_translations_are_checked_and_sanitised(cast):
    question = make_question(
        cast,
        "truefalse",
        translations={"tr": {"prompt": "<p>Doğru mu?<script></script></p>", "texts": {"x": "y"}}},
    )
    assert question.current_version.translations == {
        "tr": {"prompt": "<p>Doğru mu?</p>", "feedback": "", "texts": {"x": "y"}}
    }
    with pytest.raises(QuestionDataError) as error:
        make_question(cast, "truefalse", translations={"xx": {}})
    assert error.value.problems[0].startswith("“xx” is not a supported language")
