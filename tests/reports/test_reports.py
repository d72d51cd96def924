"""Compliance reports: figures by course and department, the overdue list, exports."""

import io
import tracemalloc
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lectio.accounts.models import User
from lectio.assignments import services
from lectio.assignments.models import Obligation
from lectio.learning.models import Enrollment
from tests.helpers import client_for, make_course

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(cast):
    """Fire Safety for everyone; the learner completed it, the outsider is overdue, the
    instructor is exempt. Ethics for the learner only."""
    fire = make_course(cast.instructor, "Fire Safety")
    ethics = make_course(cast.instructor, "Ethics")
    services.create_assignment(fire, by=cast.admin, departments=[cast.hq])
    services.create_assignment(ethics, by=cast.admin, people=[cast.learner])
    now = timezone.now()
    Obligation.objects.filter(user=cast.learner, course=fire).update(
        status="completed", completed_at=now - timedelta(days=3)
    )
    Obligation.objects.filter(user=cast.outsider, course=fire).update(
        status="overdue", due_at=now - timedelta(days=5)
    )
    services.exempt(
        Obligation.objects.get(user=cast.instructor, course=fire), by=cast.admin, reason="Author"
    )
    return fire, ethics


def _row(html, title):
    start = html.index(f">{title}</th>")
    return html[start : html.index("</tr>", start)]


def test_compliance_by_course_and_department(cast, programme):
    html = client_for(cast.admin).get("/reports/").content.decode()
    fire = _row(html, "Fire Safety")
    # 5 people, 1 completed, 1 overdue, 1 exempt: 1 of 4 is 25 %.
    assert "<td>5</td><td>1</td>" in fire and "<strong>25%</strong>" in fire
    assert 'status--overdue">1<' in fire
    germany = _row(html, "— Germany")  # the outsider (overdue) and the instructor (exempt)
    assert "<td>2</td><td>0</td>" in germany and "<strong>0%</strong>" in germany
    assert "<title>" in html and 'class="chart__bar"' in html


def test_a_manager_sees_only_their_team(cast, programme):
    html = client_for(cast.manager).get("/reports/").content.decode()
    fire = _row(html, "Fire Safety")
    assert "<td>2</td><td>1</td>" in fire  # the manager and the learner
    assert "Germany" not in html
    assert client_for(cast.learner).get("/reports/").status_code == 403


def test_the_overdue_list_and_filters(cast, programme):
    client = client_for(cast.admin)
    html = client.get("/reports/overdue/").content.decode()
    assert "Otto Outsider" in html and "Leyla Learner" not in html
    fire, _ethics = programme
    filtered = client.get(f"/reports/?course={fire.pk}").content.decode()
    assert "Ethics" not in filtered.split("By course")[1].split("By department")[0]


def test_exports_in_csv_and_xlsx(cast, programme):
    client = client_for(cast.admin)
    response = client.get("/reports/compliance.csv?status=overdue")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("person,email,employee_id,department")
    assert len(lines) == 2 and "Otto Outsider" in lines[1] and "overdue" in lines[1]
    workbook = client.get("/reports/compliance.xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("person", "email") and len(rows) == 1 + 6
    assert {r[7] for r in rows[1:]} == {"completed", "overdue", "exempt", "not_started"}


def test_a_name_that_looks_like_a_formula_is_exported_as_text(cast):
    course = make_course(cast.instructor, "Ethics")
    cast.learner.full_name = '=HYPERLINK("http://evil")'
    cast.learner.save()
    services.create_assignment(course, by=cast.admin, people=[cast.learner])
    body = b"".join(client_for(cast.admin).get("/reports/compliance.csv").streaming_content)
    assert b"'=HYPERLINK" in body


def _bulk_obligations(course, count, start):
    people = User.objects.bulk_create(
        User(email=f"p{start + n}@example.com", full_name=f"Person {start + n}")
        for n in range(count)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(user=person, course=course, source="assigned") for person in people
    )
    Obligation.objects.bulk_create(
        Obligation(user=e.user, course=course, enrollment=e) for e in enrollments
    )


def test_the_export_streams_in_constant_memory(cast):
    course = make_course(cast.instructor, "Ethics")
    client = client_for(cast.admin)

    def peak_while_streaming(url):
        response = client.get(url)
        tracemalloc.start()
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return lines, peak

    _bulk_obligations(course, 4000, 0)
    small_lines, small_peak = peak_while_streaming("/reports/compliance.csv")
    _bulk_obligations(course, 16000, 4000)
    large_lines, large_peak = peak_while_streaming("/reports/compliance.csv")
    assert (small_lines, large_lines) == (4001, 20001)
    # Five times the rows, nowhere near five times the memory: rows are fetched in chunks.
    assert large_peak < small_peak * 1.5


def test_the_csv_export_is_sent_in_pieces_of_many_rows(cast):
    # Found by bench/compliance.py: one piece per row made 200,000 rows cost 200,000 trips
    # through the response's encoding (and as many writes to the socket).
    course = make_course(cast.instructor, "Ethics")
    _bulk_obligations(course, 1201, 0)
    response = client_for(cast.admin).get("/reports/compliance.csv")
    pieces = list(response.streaming_content)
    assert [piece.count(b"\n") for piece in pieces] == [500, 500, 202]  # with the header
    assert b"".join(pieces).decode().splitlines()[0].startswith("person,email,")


def test_the_reports_run_a_fixed_number_of_queries(cast, programme, django_assert_max_num_queries):
    client = client_for(cast.admin)
    counts = {}
    for url in ("/reports/", "/reports/overdue/"):
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    _bulk_obligations(make_course(cast.instructor, "More"), 60, 0)
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_a_scheduled_report_arrives_once_per_period(cast, programme, mailbox):
    from datetime import UTC, datetime

    from lectio.notifications import sending
    from lectio.reports.models import Subscription
    from lectio.reports.scheduled import send_scheduled_reports
    from tests.notifications.mail import part, subject

    fire, _ethics = programme
    client = client_for(cast.admin)
    client.post(f"/reports/subscriptions/?course={fire.pk}", {"every": "week"})
    subscription = Subscription.objects.get()
    assert (subscription.every, subscription.course) == ("week", fire)
    monday = datetime(2031, 3, 10, 7, tzinfo=UTC)
    assert send_scheduled_reports(monday) == 1
    send_scheduled_reports(monday + timedelta(days=3))  # the same week: nothing new
    sending.send_due(monday + timedelta(days=3))
    reports = [m for m in mailbox if subject(m).startswith("Compliance report")]
    [email] = reports
    assert subject(email) == "Compliance report: 25% complete, 1 overdue"
    assert "- Fire Safety: 25%, 1 overdue" in part(email)
    assert f"/reports/?course={fire.pk}" in part(email)
    send_scheduled_reports(monday + timedelta(days=7))
    sending.send_due(monday + timedelta(days=7))
    assert len([m for m in mailbox if subject(m).startswith("Compliance report")]) == 2
    client.post(f"/reports/subscriptions/{subscription.pk}/delete/")
    assert not Subscription.objects.exists()
