"""Progress, completions, obligations and certificates through the API: each token sees
the records of the people its person may see, and only with the area's scope."""

import pytest

from lectio.api.models import Scope
from lectio.assignments import services as assignments
from lectio.learning.models import Enrollment
from tests.api.test_query_bounds import _complete
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
