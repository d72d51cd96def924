"""Which lessons are open: linear order, drip release and the access window."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lectio.catalog import services as catalog
from lectio.learning import services
from lectio.learning.availability import lesson_states
from lectio.learning.models import Enrollment
from tests.helpers import client_for, make_course

ENROLLED = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")


def _course(cast, *, sequential=False, pages=3):
    return make_course(cast.instructor, pages=pages, publish=False, sequential=sequential)


def _states(course, completed=(), at=ENROLLED, **enrollment):
    catalog.publish_course(course, by=course.instructors.first())
    course.refresh_from_db()
    outline = course.live_version.outline
    enrollment = Enrollment(enrolled_at=ENROLLED, access_starts_at=ENROLLED, **enrollment)
    ids = {lesson["title"]: lesson["id"] for m in outline["modules"] for lesson in m["lessons"]}
    with translation.override("en"):
        states = lesson_states(outline, enrollment, {ids[t] for t in completed}, at, ISTANBUL)
    return {title: states[pk] for title, pk in ids.items()}


def test_in_free_order_everything_is_open(cast):
    assert all(state.open for state in _states(_course(cast)).values())


def test_in_linear_order_each_lesson_waits_for_the_previous_required_one(cast):
    course = _course(cast, sequential=True)
    states = _states(course)
    assert [s.open for s in states.values()] == [True, False, False]
    assert states["Page 2"].reason == "Complete “Page 1” first."
    states = _states(course, completed=["Page 1"])
    assert [s.open for s in states.values()] == [True, True, False]


def test_optional_lessons_do_not_hold_the_line(cast):
    course = _course(cast, sequential=True)
    catalog.update_lesson(course.lessons.get(title="Page 1"), required=False)
    assert [s.open for s in _states(course).values()] == [True, True, False]


def test_drip_release_by_days_after_enrolment_and_by_date_in_local_time(cast):
    course = _course(cast)
    catalog.update_lesson(course.lessons.get(title="Page 2"), opens_after_days=7)
    catalog.update_lesson(course.lessons.get(title="Page 3"), opens_on=date(2026, 4, 1))
    states = _states(course)
    assert states["Page 2"].opens_at == ENROLLED + timedelta(days=7)
    assert not states["Page 2"].open
    # 1 April starts at midnight in Istanbul: 21:00 UTC on 31 March.
    assert states["Page 3"].opens_at == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)
    assert states["Page 3"].reason == "Opens on April 1, 2026, midnight."
    later = _states(course, at=datetime(2026, 3, 31, 21, 0, tzinfo=UTC))
    assert later["Page 2"].open and later["Page 3"].open


def test_outside_the_access_window_nothing_opens(cast):
    course = _course(cast)
    ended = _states(
        course, at=ENROLLED + timedelta(days=100), access_ends_at=ENROLLED + timedelta(days=90)
    )
    assert not any(s.open for s in ended.values())
    assert ended["Page 1"].reason == "Your access ended on June 8, 2026."


def test_the_course_page_shows_locks_to_an_enrolled_learner(cast):
    course = make_course(cast.instructor, pages=2, sequential=True)
    services.self_enroll(cast.learner, course)
    html = client_for(cast.learner).get(f"/courses/{course.slug}/").content.decode()
    assert "Complete “Page 1” first." in html
    assert html.count("🔒") == 1


def test_self_enrolment_waits_for_prerequisites(cast):
    basics = make_course(cast.instructor, "Security Basics")
    advanced = make_course(cast.instructor, "Advanced Security", publish=False)
    advanced.prerequisites.add(basics)
    catalog.publish_course(advanced, by=cast.instructor)
    advanced.refresh_from_db()
    client = client_for(cast.learner)
    page = client.get(f"/courses/{advanced.slug}/").content.decode()
    assert "Complete these courses first:" in page and "Security Basics" in page
    with pytest.raises(ValidationError, match="Security Basics"):
        services.self_enroll(cast.learner, advanced)
    done = services.self_enroll(cast.learner, basics)
    Enrollment.objects.filter(pk=done.pk).update(completed_at=ENROLLED)
    assert services.self_enroll(cast.learner, advanced).course == advanced
