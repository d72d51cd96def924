"""A question that no attempt uses yet can be deleted with its versions."""

from lectio.assessments import services
from lectio.assessments.models import Question, QuestionVersion
from tests.assessments.data import RAW, prompt


def test_it_deletes_a_question_with_its_versions(db):
    question = services.create_question(
        category=services.category_path(["Safety"]),
        type="single",
        prompt=prompt("single"),
        data=RAW["single"],
        by=None,
    )
    services.revise_question(question, by=None, name="Second")
    question.delete()
    assert Question.objects.count() == 0
    assert QuestionVersion.objects.count() == 0
