"""Every list endpoint runs a fixed number of queries, whatever the number of rows."""

import pytest

from lectio.accounts import services as accounts
from lectio.assignments import services as assignments
from lectio.certificates.services import issue
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from lectio.learning.services import Report
from tests.helpers import make_course

LISTS = [
    "/people",
    "/departments",
    "/groups",
    "/courses",
    "/paths",
    "/enrollments",
    "/completions",
    "/assignments",
    "/obligations",
    "/certificates",
    "/quiz-results",
]


def _complete(enrollment):
    enrollment = Enrollment.objects.select_related("course__live_version", "user").get(
        pk=enrollment.pk
    )
    outline = enrollment.course.live_version.outline
    for module in outline["modules"]:
        for lesson in module["lessons"]:
            learning.record_progress(
                enrollment, lesson["id"], Report(client="a", seq=lesson["id"], completed=True)
            )
    enrollment.refresh_from_db()
    issue(enrollment)


def _team(cast, size):
    people = [
        accounts.create_person(
            email=f"p{size}-{n}@example.com", full_name=f"P {n}", department=cast.istanbul
        )
        for n in range(size)
    ]
    course = make_course(cast.instructor, f"Course {size}", pages=1)
    assignments.create_assignment(course, by=cast.admin, people=people)
    for person in people:
        _complete(Enrollment.objects.get(user=person, course=course))
    group = accounts.save_group(None, name=f"Group {size}")
    accounts.add_group_members(group, people)


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_for_three_rows_or_twenty(
    cast, token_for, path, django_assert_max_num_queries
):
    admin = token_for(cast.admin)
    _team(cast, 3)
    admin.get(path)  # the token's first use is recorded once
    with django_assert_max_num_queries(6) as few:
        status, body = admin.get(path, limit=200)
    assert status == 200
    small = len(few.captured_queries)
    _team(cast, 20)
    with django_assert_max_num_queries(small) as many:
        status, bigger = admin.get(path, limit=200)
    assert status == 200
    assert len(bigger["items"]) >= len(body["items"])
    assert len(many.captured_queries) == small
