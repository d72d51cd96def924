"""Assignments reach the right people, merge into one obligation, follow the write path."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from lectio.accounts import services as accounts
from lectio.assignments import services
from lectio.assignments.models import Assignment, AssignmentEvent, Obligation
from lectio.catalog import services as catalog
from lectio.learning import services as learning
from lectio.learning.models import AccessChange, Enrollment
from lectio.learning.services import Report
from tests.helpers import make_course

T0 = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
# Hooks run after commit, as in production: every test commits for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org(cast):
    """Two branches under one head office; the manager runs Istanbul."""
    head = accounts.create_department(name="Head office", code="ORG")
    istanbul = accounts.create_department(
        name="Istanbul", code="ORG-IST", parent=head, location="Istanbul"
    )
    chicago = accounts.create_department(
        name="Chicago", code="ORG-CHI", parent=head, location="Chicago"
    )
    accounts.set_department_manager(istanbul, cast.manager)
    accounts.update_person(cast.learner, department=istanbul)
    accounts.update_person(cast.outsider, department=chicago, time_zone="America/Chicago")
    return head, istanbul, chicago


def _obligation(person, course):
    return Obligation.objects.current().get(user=person, course=course)


def test_a_department_assignment_reaches_its_subtree_with_local_due_dates(cast, org):
    head, _istanbul, _chicago = org
    course = make_course(cast.instructor, "Fire Safety")
    assignment, reached = services.create_assignment(
        course, by=cast.admin, departments=[head], due="fixed", due_on=date(2031, 3, 31), at=T0
    )
    assert reached == 2
    learner, outsider = _obligation(cast.learner, course), _obligation(cast.outsider, course)
    assert learner.due_at == datetime(2031, 3, 31, 20, 59, 59, tzinfo=UTC)  # Istanbul
    assert outsider.due_at == datetime(2031, 4, 1, 4, 59, 59, tzinfo=UTC)  # Chicago
    assert learner.status == "not_started" and learner.mandatory
    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    assert (enrollment.source, enrollment.due_at, enrollment.mandatory) == (
        "assigned",
        learner.due_at,
        True,
    )
    event = AssignmentEvent.objects.get(assignment=assignment)
    assert (event.action, event.actor, event.details) == ("assigned", cast.admin, {"reached": 2})


def test_overlapping_assignments_merge_and_the_earliest_due_date_wins(cast, org):
    _head, istanbul, _chicago = org
    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="fixed", due_on=date(2031, 5, 1), at=T0
    )
    services.create_assignment(
        course,
        by=cast.admin,
        departments=[istanbul],
        due="after_assignment",
        due_days=7,
        mandatory=False,
        at=T0,
    )
    obligations = Obligation.objects.filter(user=cast.learner, course=course)
    assert obligations.count() == 1
    obligation = obligations.get()
    assert obligation.due_at == datetime(2031, 3, 17, 20, 59, 59, tzinfo=UTC)
    assert obligation.mandatory and obligation.assignments.count() == 2
    later = make_course(cast.instructor, "Later")
    services.create_assignment(
        later, by=cast.admin, people=[cast.learner], due="after_assignment", due_days=3, at=T0
    )
    services.create_assignment(
        later, by=cast.admin, people=[cast.learner], due="after_assignment", due_days=30, at=T0
    )
    assert _obligation(cast.learner, later).due_at.date() == date(2031, 3, 13)


def test_progress_and_completion_through_the_write_path_update_the_status(cast, org):
    course = make_course(cast.instructor, "Policy", pages=2, valid_months=12)
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="after_assignment", due_days=14
    )
    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    first, second = course.lessons.order_by("position")
    learning.record_progress(enrollment, first.pk, Report(client="a", seq=1, completed=True))
    obligation = _obligation(cast.learner, course)
    assert obligation.status == "in_progress" and obligation.started_at is not None
    learning.record_progress(enrollment, second.pk, Report(client="a", seq=2, completed=True))
    obligation.refresh_from_db()
    enrollment.refresh_from_db()
    assert obligation.status == "completed"
    assert obligation.completed_at == enrollment.completed_at
    assert obligation.expires_at == learning.add_months(
        enrollment.completed_at, 12, cast.learner.time_zone
    )
    assert AssignmentEvent.objects.filter(obligation=obligation, action="completed").exists()


def test_a_course_completed_before_the_assignment_counts(cast):
    course = make_course(cast.instructor, "Done already", pages=1)
    enrollment = learning.enroll(cast.learner, course, source="self")
    lesson = course.lessons.get()
    learning.record_progress(enrollment, lesson.pk, Report(client="a", seq=1, completed=True))
    services.create_assignment(course, by=cast.admin, people=[cast.learner])
    assert _obligation(cast.learner, course).status == "completed"


def test_dates_passing_make_obligations_overdue_and_completions_expire(cast):
    course = make_course(cast.instructor, "Yearly", pages=1, valid_months=12)
    services.create_assignment(
        course,
        by=cast.admin,
        people=[cast.learner, cast.outsider],
        due="fixed",
        due_on=date(2031, 3, 31),
        at=T0,
    )
    enrollment = Enrollment.objects.get(user=cast.outsider, course=course)
    done_at = datetime(2031, 3, 20, tzinfo=UTC)
    lesson = course.lessons.get()
    learning.record_progress(
        enrollment, lesson.pk, Report(client="a", seq=1, completed=True), at=done_at
    )
    assert services.refresh_statuses(at=datetime(2031, 4, 2, tzinfo=UTC)) == {
        "overdue": 1,
        "expired": 0,
    }
    assert _obligation(cast.learner, course).status == "overdue"
    assert _obligation(cast.outsider, course).status == "completed"
    assert services.refresh_statuses(at=datetime(2032, 3, 20, 0, 0, 1, tzinfo=UTC)) == {
        "overdue": 0,
        "expired": 1,
    }
    assert _obligation(cast.outsider, course).status == "expired"


def test_a_new_hire_matching_a_rule_gets_the_onboarding(cast, org):
    _head, istanbul, _chicago = org
    course = make_course(cast.instructor, "Onboarding")
    assignment, reached = services.create_assignment(
        course,
        by=cast.admin,
        rule={"department": istanbul.pk, "hired_after": "2031-01-01"},
        due="after_hire",
        due_days=30,
    )
    assert reached == 0  # nobody matches yet: defined, not an error
    newcomer = accounts.create_person(
        email="new@example.com",
        full_name="Nur Yeni",
        department=istanbul,
        hire_date=date(2031, 2, 1),
        time_zone="Europe/Istanbul",
    )
    obligation = _obligation(newcomer, course)
    assert obligation.assignments.get() == assignment
    # Hired on 1 February: due 30 days later, at the end of that day in Istanbul.
    assert obligation.due_at == datetime(2031, 3, 3, 20, 59, 59, tzinfo=UTC)
    veteran = accounts.create_person(
        email="old@example.com", full_name="Eski", department=istanbul, hire_date=date(2020, 1, 1)
    )
    assert not Obligation.objects.filter(user=veteran).exists()


def test_people_who_move_into_a_department_are_reached(cast, org):
    _head, istanbul, chicago = org
    course = make_course(cast.instructor, "Local rules")
    services.create_assignment(course, by=cast.admin, departments=[istanbul])
    assert not Obligation.objects.filter(user=cast.outsider).exists()
    accounts.update_person(cast.outsider, department=istanbul)
    assert _obligation(cast.outsider, course).status == "not_started"
    # Moving away keeps the obligation (an administrator exempts if it no longer applies).
    accounts.update_person(cast.outsider, department=chicago)
    assert Obligation.objects.filter(user=cast.outsider).count() == 1


def test_moving_a_department_brings_its_people_into_assignments(cast, org):
    head, _istanbul, _chicago = org
    course = make_course(cast.instructor, "Head office rules")
    services.create_assignment(course, by=cast.admin, departments=[head])
    elsewhere = accounts.create_department(name="Remote", code="REM")
    accounts.create_person(email="r@example.com", full_name="R", department=elsewhere)
    assert Obligation.objects.filter(course=course).count() == 2
    accounts.move_department(elsewhere, head)
    assert Obligation.objects.filter(course=course).count() == 3


def test_deactivated_people_are_not_assigned(cast):
    accounts.deactivate_person(cast.outsider)
    course = make_course(cast.instructor, "Ethics")
    _assignment, reached = services.create_assignment(
        course, by=cast.admin, people=[cast.learner, cast.outsider]
    )
    assert reached == 1 and not Obligation.objects.filter(user=cast.outsider).exists()


def test_bad_assignments_are_refused_and_change_nothing(cast, org):
    _head, _istanbul, chicago = org
    draft = make_course(cast.instructor, "Draft", publish=False)
    course = make_course(cast.instructor, "Live")
    cases = [
        (draft, {"people": [cast.learner]}, "published"),
        (course, {}, "Choose whom"),
        (course, {"people": [cast.learner], "due": "fixed"}, "due date"),
        (
            course,
            {"people": [cast.learner], "due": "fixed", "due_on": date(2020, 1, 1)},
            "already passed",
        ),
        (course, {"people": [cast.learner], "due": "after_assignment"}, "number of days"),
    ]
    for target, options, message in cases:
        with pytest.raises(ValidationError) as refused:
            services.create_assignment(target, by=cast.admin, **options)
        assert message in " ".join(refused.value.messages)
    # A manager assigns within their own team only.
    with pytest.raises(ValidationError, match="manage only"):
        services.create_assignment(course, by=cast.manager, departments=[chicago])
    with pytest.raises(ValidationError, match="manage only"):
        services.create_assignment(course, by=cast.manager, people=[cast.outsider])
    assert not Assignment.objects.exists() and not Obligation.objects.exists()


def test_a_manager_assigns_to_their_team(cast, org):
    _head, istanbul, _chicago = org
    course = make_course(cast.instructor, "Team rules")
    _assignment, reached = services.create_assignment(
        course, by=cast.manager, departments=[istanbul], rule={"location": "Istanbul"}
    )
    assert reached == 1 and _obligation(cast.learner, course)


def test_access_is_extended_past_the_due_date_with_a_record(cast):
    course = make_course(cast.instructor, "Short access", access_days=10)
    learning.enroll(cast.learner, course, source="self", at=T0)
    services.create_assignment(
        course,
        by=cast.admin,
        people=[cast.learner],
        due="fixed",
        due_on=date(2031, 6, 30),
        at=T0,
    )
    enrollment = Enrollment.objects.get(user=cast.learner, course=course)
    assert enrollment.access_ends_at == _obligation(cast.learner, course).due_at + timedelta(
        days=30
    )
    change = AccessChange.objects.get(enrollment=enrollment)
    assert change.changed_by == cast.admin and "past the due date" in change.reason


def test_exemptions_and_due_changes_need_a_reason_and_are_recorded(cast):
    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="after_assignment", due_days=7
    )
    obligation = _obligation(cast.learner, course)
    with pytest.raises(ValidationError):
        services.exempt(obligation, by=cast.admin, reason=" ")
    services.exempt(obligation, by=cast.admin, reason="Already certified externally")
    assert _obligation(cast.learner, course).status == "exempt"
    assert Enrollment.objects.get(pk=obligation.enrollment_id).due_at is None  # off the list
    services.lift_exemption(obligation, by=cast.admin, reason="Certificate not accepted")
    assert _obligation(cast.learner, course).status == "not_started"
    new_day = datetime.now(UTC).date() + timedelta(days=60)
    services.change_due(obligation, due_on=new_day, by=cast.admin, reason="Long leave")
    moved = _obligation(cast.learner, course)
    assert moved.due_at.date() == new_day
    assert Enrollment.objects.get(pk=moved.enrollment_id).due_at == moved.due_at
    actions = list(
        AssignmentEvent.objects.filter(obligation=obligation).values_list("action", "reason")
    )
    assert actions == [
        ("due_changed", "Long leave"),
        ("exemption_lifted", "Certificate not accepted"),
        ("exempted", "Already certified externally"),
    ]


def test_an_ended_assignment_reaches_nobody_new(cast, org):
    _head, istanbul, _chicago = org
    course = make_course(cast.instructor, "Old")
    assignment, _reached = services.create_assignment(course, by=cast.admin, departments=[istanbul])
    services.end_assignment(assignment, by=cast.admin, reason="Replaced")
    accounts.create_person(email="n@example.com", full_name="N", department=istanbul)
    assert Obligation.objects.filter(course=course).count() == 1


def test_a_course_archived_while_assigned_keeps_its_obligations(cast):
    course = make_course(cast.instructor, "Retired")
    services.create_assignment(course, by=cast.admin, people=[cast.learner])
    catalog.archive_course(course)
    assert _obligation(cast.learner, course).status == "not_started"
    assert services.reconcile() == 0


def test_assigning_a_programme_obliges_its_required_courses(cast, org):
    from lectio.catalog import paths
    from lectio.learning.models import PathEnrollment

    _head, istanbul, _chicago = org
    first, second, elective = (
        make_course(cast.instructor, title) for title in ("Ethics", "Safety", "Excel")
    )
    programme = paths.create_path(title="Compliance Essentials", by=cast.instructor)
    paths.add_course_step(programme, first)
    paths.add_course_step(programme, second)
    paths.add_elective_step(programme, [elective], pick=1)
    paths.publish_path(programme, by=cast.instructor)
    programme.refresh_from_db()
    assignment, reached = services.create_assignment(
        path=programme,
        by=cast.admin,
        departments=[istanbul],
        due="fixed",
        due_on=date(2031, 3, 31),
        at=T0,
    )
    assert reached == 1 and assignment.title == "Compliance Essentials"
    obligations = Obligation.objects.filter(user=cast.learner).order_by("course__title")
    assert [o.course.title for o in obligations] == ["Ethics", "Safety"]  # electives are chosen
    assert {o.due_at.date() for o in obligations} == {date(2031, 3, 31)}
    assert PathEnrollment.objects.filter(user=cast.learner, path=programme).exists()
    # Idempotent; a newcomer gets the whole programme.
    assert services.apply(assignment, at=T0) == 0
    newcomer = accounts.create_person(email="n@example.com", full_name="N", department=istanbul)
    assert Obligation.objects.filter(user=newcomer).count() == 2
    with pytest.raises(ValidationError, match="course or a learning path"):
        services.create_assignment(first, path=programme, by=cast.admin, people=[cast.learner])
