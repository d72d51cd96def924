"""Administrators and managers assign training, follow it up, and see their team's matrix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lectio.accounts import services as accounts
from lectio.assignments import services
from lectio.assignments.models import Assignment, AssignmentEvent, Obligation
from tests.helpers import client_for, make_course

pytestmark = pytest.mark.django_db(transaction=True)


def _future(days=30):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_an_administrator_assigns_a_course_to_a_department(cast):
    course = make_course(cast.instructor, "Fire Safety")
    client = client_for(cast.admin)
    form = client.get("/assignments/new/").content.decode()
    assert "Fire Safety" in form and "Rule: job title" in form
    response = client.post(
        "/assignments/new/",
        {
            "course": course.pk,
            "departments": [cast.turkiye.pk],
            "due": "fixed",
            "due_on": _future(),
            "mandatory": "on",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Assigned to 2 people." in html  # the manager and the learner, in Türkiye and below
    assert {o.user for o in Obligation.objects.all()} == {cast.manager, cast.learner}
    assert "Leyla Learner" in html and "Not started" in html


def test_bad_input_gets_a_clear_message_and_changes_nothing(cast):
    course = make_course(cast.instructor, "Fire Safety")
    client = client_for(cast.admin)
    cases = [
        ({"course": course.pk, "due": "none"}, "Choose whom to assign"),
        ({"course": course.pk, "emails": "ghost@example.com", "due": "none"}, "ghost@example.com"),
        (
            {"course": course.pk, "emails": "learner@example.com", "due": "fixed"},
            "Give the due date.",
        ),
        (
            {
                "course": course.pk,
                "emails": "learner@example.com",
                "due": "fixed",
                "due_on": "2020-01-01",
            },
            "The due date has already passed.",
        ),
    ]
    for data, message in cases:
        response = client.post("/assignments/new/", data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Assignment.objects.exists() and not Obligation.objects.exists()


def test_a_rule_that_matches_nobody_says_so(cast):
    course = make_course(cast.instructor, "Welding")
    response = client_for(cast.admin).post(
        "/assignments/new/",
        {"course": course.pk, "rule_job_title": "Welder", "due": "none"},
        follow=True,
    )
    assert "reaches nobody yet; people who join later will get it" in response.content.decode()
    accounts.create_person(email="w@example.com", full_name="Wanda", job_title="welder")
    assert Obligation.objects.get().user.email == "w@example.com"
    # An empty department is the same: accepted, said so, and reaches whoever joins it.
    empty = accounts.create_department(name="New site", code="NEW")
    response = client_for(cast.admin).post(
        "/assignments/new/",
        {"course": course.pk, "departments": [empty.pk], "due": "none"},
        follow=True,
    )
    assert "reaches nobody yet" in response.content.decode()
    accounts.create_person(email="x@example.com", full_name="Xavier", department=empty)
    assert Obligation.objects.filter(user__email="x@example.com").count() == 1


def test_a_manager_assigns_only_within_their_team(cast):
    course = make_course(cast.instructor, "Fire Safety")
    client = client_for(cast.manager)
    form = client.get("/assignments/new/").content.decode()
    assert "Germany" not in form and "Istanbul Operations" in form
    assert 'name="groups"' not in form
    refused = client.post(
        "/assignments/new/",
        {"course": course.pk, "emails": "outsider@example.com", "due": "none"},
    )
    assert refused.status_code == 200
    assert not Obligation.objects.exists()
    client.post(
        "/assignments/new/",
        {"course": course.pk, "departments": [cast.istanbul.pk], "due": "none"},
    )
    assert [o.user for o in Obligation.objects.all()] == [cast.learner]


def test_learners_cannot_assign_or_see_assignments(cast):
    client = client_for(cast.learner)
    for url in ("/assignments/", "/assignments/new/", "/assignments/team/"):
        assert client.get(url).status_code == 403


def test_the_team_matrix_shows_status_per_person_and_course(cast):
    fire = make_course(cast.instructor, "Fire Safety")
    ethics = make_course(cast.instructor, "Ethics")
    optional = make_course(cast.instructor, "Excel Tips")
    services.create_assignment(fire, by=cast.admin, departments=[cast.hq])
    services.create_assignment(ethics, by=cast.admin, people=[cast.learner])
    services.create_assignment(optional, by=cast.admin, people=[cast.learner], mandatory=False)
    obligation = Obligation.objects.get(user=cast.learner, course=ethics)
    Obligation.objects.filter(pk=obligation.pk).update(
        due_at=timezone.now() - timedelta(days=1), status="overdue"
    )
    html = client_for(cast.manager).get("/assignments/team/").content.decode()
    assert "Fire Safety" in html and "Ethics" in html and "Excel Tips" not in html
    assert "Leyla Learner" in html and "Otto Outsider" not in html  # not in the team
    assert 'class="status status--overdue"' in html
    overdue = client_for(cast.admin).get("/assignments/team/?status=overdue").content.decode()
    assert "Leyla Learner" in overdue and "Otto Outsider" not in overdue
    person = client_for(cast.manager).get(f"/assignments/people/{cast.learner.pk}/")
    assert person.status_code == 200 and "Ethics" in person.content.decode()
    assert (
        client_for(cast.manager).get(f"/assignments/people/{cast.outsider.pk}/").status_code == 404
    )


def test_the_matrix_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    client = client_for(cast.admin)
    services.create_assignment(
        make_course(cast.instructor, "Course 0"), by=cast.admin, departments=[cast.hq]
    )
    with django_assert_max_num_queries(30) as few:
        assert client.get("/assignments/team/").status_code == 200
    for number in range(1, 6):
        course = make_course(cast.instructor, f"Course {number}")
        services.create_assignment(course, by=cast.admin, departments=[cast.hq])
    for number in range(20):
        accounts.create_person(
            email=f"p{number}@example.com", full_name=f"Person {number}", department=cast.germany
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/assignments/team/").content.decode()
    assert html.count('class="status status--not_started"') == 25 * 6


def test_an_obligation_is_exempted_and_its_due_date_moved_with_reasons(cast):
    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(course, by=cast.admin, people=[cast.learner])
    obligation = Obligation.objects.get()
    client = client_for(cast.manager)  # the learner's manager
    url = f"/assignments/obligations/{obligation.pk}/"
    page = client.get(url).content.decode()
    assert "Bu kurstan muaf tut" in page  # "Exempt from this course", in Turkish
    missing = client.post(url, {"action": "exempt", "reason": ""})
    assert missing.status_code == 200 and Obligation.objects.get().status == "not_started"
    client.post(url, {"action": "due", "due_on": _future(45), "reason": "Parental leave"})
    client.post(url, {"action": "exempt", "reason": "Certified elsewhere"})
    assert Obligation.objects.get().status == "exempt"
    assert list(
        AssignmentEvent.objects.filter(obligation=obligation).values_list("action", "actor")
    ) == [
        ("exempted", cast.manager.pk),
        ("due_changed", cast.manager.pk),
    ]
    # Not for someone outside the manager's team, nor for the manager's own obligation.
    services.create_assignment(course, by=cast.admin, people=[cast.outsider, cast.manager])
    for person in (cast.outsider, cast.manager):
        other = Obligation.objects.get(user=person)
        assert client.get(f"/assignments/obligations/{other.pk}/").status_code == 404


def test_ending_an_assignment_needs_a_reason(cast):
    course = make_course(cast.instructor, "Ethics")
    assignment, _reached = services.create_assignment(
        course, by=cast.admin, departments=[cast.istanbul]
    )
    client = client_for(cast.admin)
    client.post(f"/assignments/{assignment.pk}/end/", {"reason": ""})
    assert Assignment.objects.get().ended_at is None
    client.post(f"/assignments/{assignment.pk}/end/", {"reason": "Replaced by the 2032 edition"})
    assert Assignment.objects.get().ended_at is not None
    listing = client.get("/assignments/").content.decode()
    assert "Ended" in listing


def test_the_assignment_pages_run_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    course = make_course(cast.instructor, "Ethics")
    assignment, _reached = services.create_assignment(course, by=cast.admin, departments=[cast.hq])
    client = client_for(cast.admin)
    urls = ["/assignments/", f"/assignments/{assignment.pk}/"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    for number in range(15):
        accounts.create_person(
            email=f"p{number}@example.com", full_name=f"Person {number}", department=cast.germany
        )
    services.create_assignment(
        make_course(cast.instructor, "More"), by=cast.admin, departments=[cast.hq]
    )
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_the_audit_trail_lists_every_event_with_who_and_why(cast, django_assert_max_num_queries):
    course = make_course(cast.instructor, "Ethics")
    services.create_assignment(course, by=cast.admin, people=[cast.learner, cast.outsider])
    for obligation in Obligation.objects.all():
        services.exempt(obligation, by=cast.admin, reason=f"Reason {obligation.user.full_name}")
    client = client_for(cast.admin)
    with django_assert_max_num_queries(12):
        html = client.get("/assignments/audit/").content.decode()
    assert "Reason Leyla Learner" in html and "Reason Otto Outsider" in html
    only = client.get("/assignments/audit/?action=exempted").content.decode()
    assert "2 people" not in only and "Reason Leyla Learner" in only
    csv = b"".join(client.get("/assignments/audit/?format=csv").streaming_content).decode()
    assert csv.splitlines()[0] == "at,action,by,person,course,reason"
    assert len(csv.splitlines()) == 1 + 3
    assert client_for(cast.manager).get("/assignments/audit/").status_code == 403


def test_the_obligation_person_and_calendar_pages_run_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    from lectio.assignments.calendar import feed_for

    def assign(count, start):
        for number in range(start, start + count):
            course = make_course(cast.instructor, f"Course {number}")
            services.create_assignment(
                course, by=cast.admin, people=[cast.learner], due="after_assignment", due_days=9
            )

    assign(1, 0)
    obligation = Obligation.objects.first()
    admin = client_for(cast.admin)
    token = feed_for(cast.learner).token
    urls = [
        (admin, f"/assignments/obligations/{obligation.pk}/"),
        (admin, f"/assignments/people/{cast.learner.pk}/"),
        (client_for(cast.learner), f"/assignments/calendar/{token}.ics"),
    ]
    counts = {}
    for client, url in urls:
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    assign(5, 1)
    for client, url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
