"""Progress, completions, obligations and certificates through the API: each token sees
the records of the people its person may see, and only with the area's scope."""

import pytest

from lectio.api.models import Scope
from lectio.assessments import services as quizzes
from lectio.assessments.models import Answer
from lectio.assignments import services as assignments
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from tests.api.test_query_bounds import _complete
from tests.assessments.quizzes import make_questions, make_quiz, right
from tests.helpers import make_course

RECORDS = ["/enrollments", "/completions", "/obligations", "/certificates"]


@pytest.fixture
def finished(cast):
    """The learner (in the manager's subtree) and the outsider (not) completed a course."""
    course = make_course(cast.instructor, "Ladders", pages=1)
    assignments.create_assignment(course, by=cast.admin, people=[cast.learner, cast.outsider])
    for person in (cast.learner, cast.outsider):
        _complete(Enrollment.objects.get(user=person, course=course))
    return course


def emails(body):
    return sorted({item["person"]["email"] for item in body["items"]})


@pytest.mark.parametrize("path", RECORDS)
def test_each_token_sees_the_records_of_the_people_its_person_may_see(
    cast, token_for, finished, path
):
    status, body = token_for(cast.admin).get(path)
    assert status == 200
    assert emails(body) == ["learner@example.com", "outsider@example.com"]
    status, body = token_for(cast.manager).get(path)
    assert status == 200
    assert emails(body) == ["learner@example.com"]  # their subtree only
    status, body = token_for(cast.learner).get(path)
    assert (status, emails(body)) == (200, ["learner@example.com"])  # their own
    status, body = token_for(cast.outsider).get(path, person=cast.learner.pk)
    assert status == 200 and body["items"] == []


def test_a_record_outside_the_subtree_is_a_404(cast, token_for, finished):
    _status, body = token_for(cast.admin).get("/certificates", person=cast.outsider.pk)
    [certificate] = body["items"]
    manager = token_for(cast.manager)
    assert manager.get(f"/certificates/{certificate['id']}")[0] == 404
    _status, body = token_for(cast.admin).get("/enrollments", person=cast.outsider.pk)
    [enrollment] = body["items"]
    assert manager.get(f"/enrollments/{enrollment['id']}")[0] == 404
    assert manager.get(f"/enrollments/{enrollment['id']}/lessons")[0] == 404


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/enrollments", Scope.ENROLLMENTS_READ),
        ("/completions", Scope.ENROLLMENTS_READ),
        ("/obligations", Scope.ASSIGNMENTS_READ),
        ("/certificates", Scope.CERTIFICATES_READ),
        ("/quiz-results", Scope.RESULTS_READ),
    ],
)
def test_each_area_needs_its_read_scope(cast, token_for, finished, path, scope):
    others = [s for s in Scope if s not in (scope, Scope.SCIM)]
    status, body = token_for(cast.admin, scopes=others).get(path)
    assert status == 403 and body["error"]["code"] == "insufficient_scope"
    assert token_for(cast.admin, scopes=[scope]).get(path)[0] == 200


@pytest.fixture
def attempts(cast):
    """A quiz with a passing score: the learner (in the manager's subtree) passed it, the
    outsider (not) failed it; both attempts submitted through the services."""

    course, enrollment, quiz = make_quiz(cast, make_questions(cast.instructor, 2), passing_score=50)
    other = learning.enroll(cast.outsider, course, source="self")
    other = Enrollment.objects.select_related("user", "course__live_version").get(pk=other.pk)
    for row, correct in ((enrollment, True), (other, False)):
        attempt = quizzes.start_attempt(row, quiz.pk)
        answers = Answer.objects.filter(attempt=attempt).select_related("version")
        quizzes.save_answers(attempt, {a.slot: right(a) if correct else {} for a in answers})
        quizzes.submit_attempt(attempt)
    return course


def test_quiz_results_carry_the_score_and_keep_to_the_tokens_people(cast, token_for, attempts):
    status, body = token_for(cast.admin).get("/quiz-results", course=attempts.pk)
    assert status == 200
    found = {item["person"]["email"]: (item["score"], item["passed"]) for item in body["items"]}
    assert found == {"learner@example.com": (100.0, True), "outsider@example.com": (0.0, False)}
    _status, body = token_for(cast.admin).get("/quiz-results", passed="false")
    assert emails(body) == ["outsider@example.com"]
    _status, body = token_for(cast.manager).get("/quiz-results")
    assert emails(body) == ["learner@example.com"]  # their subtree only
    _status, body = token_for(cast.outsider).get("/quiz-results")
    assert emails(body) == ["outsider@example.com"]  # their own
