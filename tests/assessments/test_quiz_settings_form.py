"""The author's quiz settings, through the lesson form."""

from lectio.assessments.services import category_path
from lectio.catalog import services as catalog
from tests.assessments.quizzes import make_questions
from tests.helpers import client_for, make_course


def test_an_author_picks_questions_by_category_and_number(cast):
    fire = category_path(["Safety", "Fire"])
    fixed = make_questions(cast.instructor, 2)
    course = make_course(cast.instructor, pages=1, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Final quiz", kind_name="quiz")
    client = client_for(cast.instructor)
    page = client.get(f"/author/lessons/{lesson.pk}/").content.decode()
    assert f'<option value="{fire.pk}">— Fire</option>' in page
    response = client.post(
        f"/author/lessons/{lesson.pk}/",
        {
            "lesson-title": "Final quiz",
            "lesson-required": "on",
            "content-question_ids": f"{fixed[0].pk}, {fixed[1].pk}",
            "content-draw_category": str(fire.pk),
            "content-draw_count": "3",
            "content-shuffle_questions": "on",
            "content-time_limit": "20",
            "content-attempts_allowed": "2",
            "content-grading": "average",
            "content-passing_score": "75",
            "content-wait_minutes": "60",
            "content-review_after_attempt": ["score"],
            "content-review_after_last": ["score", "answers"],
            "content-instructions": "<p>Good luck</p><script>x</script>",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    content = lesson.content
    assert content["question_ids"] == [fixed[0].pk, fixed[1].pk]
    assert (content["draw_category"], content["draw_count"], content["grading"]) == (
        fire.pk,
        3,
        "average",
    )
    assert content["instructions"] == "<p>Good luck</p>"
    assert catalog.publish_problems(course) == []


def _quiz_form(lesson, **content):
    return {
        "lesson-title": "Final quiz",
        "lesson-required": "on",
        "content-draw_count": "0",
        "content-attempts_allowed": "0",
        "content-grading": "highest",
        "content-wait_minutes": "0",
        **{f"content-{key}": value for key, value in content.items()},
    }


def test_it_refuses_fixed_question_ids_not_in_the_bank(cast):
    fixed = make_questions(cast.instructor, 1)
    course = make_course(cast.instructor, pages=1, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Final quiz", kind_name="quiz")
    response = client_for(cast.instructor).post(
        f"/author/lessons/{lesson.pk}/",
        _quiz_form(lesson, question_ids=f"{fixed[0].pk}, 99999, 99998"),
    )
    assert response.status_code == 200
    assert "There are no questions #99999, #99998 in the bank." in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.content.get("question_ids") in (None, [])
    response = client_for(cast.instructor).post(
        f"/author/lessons/{lesson.pk}/", _quiz_form(lesson, question_ids="99999")
    )
    assert "There is no question #99999 in the bank." in response.content.decode()
    response = client_for(cast.instructor).post(
        f"/author/lessons/{lesson.pk}/", _quiz_form(lesson, question_ids=str(fixed[0].pk))
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.content["question_ids"] == [fixed[0].pk]


def test_it_translates_only_the_instructions_per_language(cast):
    from lectio.accounts import services as accounts
    from lectio.learning import services as learning

    fixed = make_questions(cast.instructor, 1)
    course = make_course(cast.instructor, pages=0, publish=False)
    lesson = catalog.add_lesson(course.modules.get(), title="Final quiz", kind_name="quiz")
    catalog.update_lesson(
        lesson,
        content={"question_ids": [fixed[0].pk], "instructions": "<p>Read carefully.</p>"},
    )
    client = client_for(cast.instructor)
    form = client.get(f"/author/lessons/{lesson.pk}/?language=tr").content.decode()
    assert "content-instructions" in form and "content-question_ids" not in form
    response = client.post(
        f"/author/lessons/{lesson.pk}/?language=tr",
        {
            "lesson-title": "Son sınav",
            "content-instructions": "<p>Dikkatle okuyun.</p><script>x</script>",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.variants["tr"] == {
        "title": "Son sınav",
        "content": {"instructions": "<p>Dikkatle okuyun.</p>"},
    }
    assert lesson.content["question_ids"] == [fixed[0].pk]
    catalog.publish_course(course, by=cast.instructor)
    course.refresh_from_db()
    learning.enroll(cast.learner, course, source="self")
    url = f"/assessments/quiz/{course.slug}/{lesson.pk}/"
    page = client_for(cast.learner).get(url).content.decode()
    assert "Read carefully." in page and "Dikkatle" not in page
    accounts.set_preferences(cast.learner, language="tr", time_zone="Europe/Istanbul")
    page = client_for(cast.learner).get(url).content.decode()
    assert "Dikkatle okuyun." in page and "Son sınav" in page and "Read carefully." not in page
