import csv
import io
from datetime import UTC, datetime

from lectio.learning import services
from lectio.learning.models import Enrollment, LessonProgress
from tests.helpers import client_for, make_course


def _setup(cast):
    course = make_course(cast.instructor, "Fire Safety", pages=2)
    enrollment = services.enroll(
        cast.learner, course, source="self", at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    for lesson, seconds in zip(course.lessons.all(), (600, 1500), strict=True):
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, active_seconds=seconds)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_at=datetime(2026, 1, 9, tzinfo=UTC), progress_percent=100
    )
    return course


def test_the_transcript_lists_courses_with_learning_time(cast, django_assert_max_num_queries):
    _setup(cast)
    client = client_for(cast.learner)
    # Session, user, courses, certificate links, attestations, earlier completions.
    with django_assert_max_num_queries(6):
        html = client.get("/learn/transcript/").content.decode()
    assert "Fire Safety" in html and "0:35" in html and "100%" in html
    assert "Jan. 9, 2026" in html


def test_the_transcript_downloads_as_csv_and_pdf(cast):
    _setup(cast)
    client = client_for(cast.learner)
    response = client.get("/learn/transcript.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Course" and rows[1][0] == "Fire Safety" and rows[1][4] == "0:35"
    pdf = client.get("/learn/transcript.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_a_transcript_shows_only_ones_own_courses(cast):
    _setup(cast)
    assert "Fire Safety" not in client_for(cast.outsider).get("/learn/transcript/").content.decode()
