from datetime import UTC, datetime

import pytest

from lectio.learning import services as learning
from lectio.learning.services import Report
from tests.helpers import make_course

T0 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def complete(enrollment, *, at, seq=1):
    """Read the course's one page to the end through the real write path."""
    lesson = enrollment.course.lessons.get()
    learning.record_progress(
        enrollment, lesson.pk, Report(client="tab", seq=seq, completed=True), at=at
    )
    enrollment.refresh_from_db()
    return enrollment


@pytest.fixture
def completed(cast, django_capture_on_commit_callbacks):
    """The learner completes a one-page course valid for 12 months; the hook runs after
    commit and issues the certificate."""
    from lectio.certificates.models import Certificate

    course = make_course(cast.instructor, "Fire Safety", pages=1, valid_months=12)
    enrollment = learning.enroll(cast.learner, course, source="self", at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        complete(enrollment, at=T0)
    return Certificate.objects.get(enrollment=enrollment)
