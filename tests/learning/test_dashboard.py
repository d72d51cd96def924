from tests.helpers import client_for


def test_the_dashboard_greets_the_learner_with_empty_sections(cast):
    response = client_for(cast.learner).get("/learn/")
    html = response.content.decode()
    assert "Welcome, Leyla" in html
    assert "Nothing is assigned to you right now." in html
    assert "Times are shown in Europe/Istanbul." in html


def test_the_dashboard_is_translated(cast):
    html = client_for(cast.manager).get("/learn/").content.decode()
    assert '<html lang="tr">' in html
    assert "Eğitimlerim" in html


def test_navigation_follows_roles(cast):
    learner = client_for(cast.learner).get("/learn/").content.decode()
    manager = client_for(cast.manager).get("/learn/").content.decode()
    admin = client_for(cast.admin).get("/learn/").content.decode()
    assert 'href="/accounts/people/"' not in learner
    assert 'href="/accounts/people/"' in manager and 'href="/certificates/all/"' not in manager
    assert 'href="/certificates/all/"' in admin and 'href="/reports/"' in manager
    assert 'href="/reports/"' not in learner and 'href="/certificates/"' in learner


def test_every_page_sends_a_content_security_policy(cast):
    response = client_for(cast.learner).get("/learn/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_htmx_requests_carry_the_csrf_token(cast):
    html = client_for(cast.learner).get("/learn/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_enrolled_courses_are_listed_with_their_access_end(cast):
    from datetime import timedelta

    from django.utils import timezone

    from lectio.learning import services
    from tests.helpers import make_course

    soon = make_course(cast.instructor, "Fire Safety", access_days=10)
    later = make_course(cast.instructor, "Onboarding", access_days=90)
    ended = make_course(cast.instructor, "Old Policy", access_days=30)
    services.self_enroll(cast.learner, soon)
    services.self_enroll(cast.learner, later)
    services.self_enroll(cast.learner, ended, at=timezone.now() - timedelta(days=40))
    html = client_for(cast.learner).get("/learn/").content.decode()
    assert html.count("Access ends on") == 2
    assert "Access ended on" in html
    assert 'class="badge badge--warning"' in html  # ten days left: highlighted
    assert "You have no courses in progress." not in html


def test_the_dashboard_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    from lectio.learning import services
    from tests.helpers import make_course

    client = client_for(cast.learner)
    with django_assert_max_num_queries(4) as few:
        assert client.get("/learn/").status_code == 200
    for number in range(8):
        services.self_enroll(
            cast.learner, make_course(cast.instructor, f"Course {number}", pages=1)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/learn/").content.decode()
    assert html.count("Access ends on") == 8


def test_assigned_courses_come_first_with_due_dates_soonest_first(cast):
    from datetime import timedelta

    from django.utils import timezone

    from lectio.learning import services
    from lectio.learning.models import Enrollment
    from tests.helpers import make_course

    today = timezone.localdate()
    plans = {"Fire Safety": 30, "Ethics": 3, "First Aid": None}
    for title, days in plans.items():
        course = make_course(cast.instructor, title)
        due = today + timedelta(days=days) if days is not None else None
        services.enroll_people(course, [cast.learner], due_on=due, mandatory=True)
    late = make_course(cast.instructor, "Data Protection")
    services.enroll_people(late, [cast.learner])
    Enrollment.objects.filter(course=late).update(due_at=timezone.now() - timedelta(days=2))
    services.self_enroll(cast.learner, make_course(cast.instructor, "Excel Tips"))

    html = client_for(cast.learner).get("/learn/").content.decode()
    assigned = html[html.index("assigned-heading") : html.index("progress-heading")]
    order = [assigned.index(t) for t in ("Data Protection", "Ethics", "Fire Safety", "First Aid")]
    assert order == sorted(order)
    assert "Excel Tips" not in assigned and "Excel Tips" in html
    assert assigned.count('class="badge badge--inactive">Overdue since') == 1
    assert assigned.count('class="badge badge--warning">Due on') == 1  # Ethics, in three days
    assert assigned.count('class="muted">Due on') == 1  # Fire Safety, in a month
    assert assigned.count(">Mandatory<") == 3


def test_a_due_date_is_the_end_of_that_day_in_the_persons_time_zone(cast):
    from datetime import UTC, date, datetime

    from lectio.learning import services
    from lectio.learning.models import Enrollment
    from tests.helpers import make_course

    cast.outsider.time_zone = "America/Chicago"
    cast.outsider.save()
    course = make_course(cast.instructor, "Fire Safety")
    services.enroll_people(course, [cast.learner, cast.outsider], due_on=date(2031, 3, 31))
    due = dict(Enrollment.objects.filter(course=course).values_list("user__email", "due_at"))
    assert due[cast.learner.email] == datetime(2031, 3, 31, 20, 59, 59, tzinfo=UTC)  # Istanbul
    assert due[cast.outsider.email] == datetime(2031, 4, 1, 4, 59, 59, tzinfo=UTC)  # Chicago
    # Obligations merge: a later due date does not move it, an earlier one does.
    services.enroll_people(course, [cast.learner], due_on=date(2031, 6, 1))
    services.enroll_people(course, [cast.outsider], due_on=date(2031, 3, 1))
    due = dict(Enrollment.objects.filter(course=course).values_list("user__email", "due_at"))
    assert due[cast.learner.email].date() == date(2031, 3, 31)
    assert due[cast.outsider.email].date() == date(2031, 3, 2)
