import csv
import io

import pytest

from lectio.accounts import services
from lectio.accounts.models import User
from tests.helpers import client_for


def _names(response) -> list[str]:
    return [p.full_name for p in response.context["page"].object_list]


def test_the_list_shows_active_people_by_name(cast):
    services.deactivate_person(cast.outsider)
    response = client_for(cast.admin).get("/accounts/people/")
    assert _names(response) == ["Ada Admin", "Irene Instructor", "Leyla Learner", "Murat Manager"]


def test_it_searches_name_email_employee_id_and_title(cast):
    services.update_person(cast.learner, employee_id="E-77", job_title="Forklift operator")
    client = client_for(cast.admin)
    for q in ("leyla", "LEARNER@", "E-77", "forklift"):
        assert _names(client.get("/accounts/people/", {"q": q})) == ["Leyla Learner"], q


def test_it_filters_by_department_with_its_subtree(cast):
    response = client_for(cast.admin).get("/accounts/people/", {"department": cast.turkiye.pk})
    assert _names(response) == ["Leyla Learner", "Murat Manager"]


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("administrator", ["Ada Admin"]),
        ("instructor", ["Irene Instructor"]),
        ("manager", ["Murat Manager"]),
        ("learner", ["Leyla Learner", "Otto Outsider"]),
    ],
)
def test_it_filters_by_role(cast, role, names):
    assert _names(client_for(cast.admin).get("/accounts/people/", {"role": role})) == names


def test_it_filters_by_status(cast):
    services.deactivate_person(cast.outsider)
    client = client_for(cast.admin)
    assert _names(client.get("/accounts/people/", {"status": "inactive"})) == ["Otto Outsider"]
    assert len(_names(client.get("/accounts/people/", {"status": "all"}))) == 5


def test_a_bad_filter_value_is_ignored_not_an_error(cast):
    response = client_for(cast.admin).get(
        "/accounts/people/", {"department": "abc", "role": "king"}
    )
    assert response.status_code == 200


def test_a_manager_sees_only_their_team(cast):
    response = client_for(cast.manager).get("/accounts/people/")
    assert _names(response) == ["Leyla Learner", "Murat Manager"]
    assert "My team" in response.content.decode() or "Ekibim" in response.content.decode()


def test_it_paginates(cast):
    for i in range(55):
        services.create_person(email=f"p{i:02}@example.com", full_name=f"Person {i:02}")
    client = client_for(cast.admin)
    first = client.get("/accounts/people/")
    assert len(first.context["page"].object_list) == 50
    second = client.get("/accounts/people/", {"page": 2})
    assert len(second.context["page"].object_list) == 10
    assert client.get("/accounts/people/", {"page": "999"}).status_code == 200


def test_htmx_requests_get_only_the_results(cast):
    response = client_for(cast.admin).get(
        "/accounts/people/", {"q": "leyla"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-results"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="people-results">')
    assert "<html" not in html
    assert "Leyla Learner" in html


def test_the_list_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    client = client_for(cast.admin)
    client.get("/accounts/people/")  # warm the session
    with django_assert_max_num_queries(8) as few:
        client.get("/accounts/people/")
    for i in range(40):
        services.create_person(
            email=f"q{i}@example.com",
            full_name=f"Q {i}",
            department=cast.istanbul,
            roles=["manager"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/accounts/people/")


def test_the_person_page_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    client = client_for(cast.manager)
    with django_assert_max_num_queries(8):
        assert client.get(f"/accounts/people/{cast.learner.pk}/").status_code == 200


def test_an_administrator_adds_a_person(cast, mailbox):
    response = client_for(cast.admin).post(
        "/accounts/people/new/",
        {
            "email": "Zeynep@Example.com",
            "full_name": "Zeynep Kaya",
            "department": cast.istanbul.pk,
            "job_title": "Analyst",
            "employee_id": "E-9",
            "hire_date": "2026-02-01",
            "language": "tr",
            "time_zone": "Europe/Istanbul",
            "roles": ["instructor"],
        },
    )
    person = User.objects.get(email="zeynep@example.com")
    assert response["Location"] == f"/accounts/people/{person.pk}/"
    assert (person.department, person.language, person.is_instructor) == (cast.istanbul, "tr", True)
    assert str(person.hire_date) == "2026-02-01"
    assert mailbox == []  # no invitation unless asked


def test_form_errors_name_the_field_in_the_persons_language(cast):
    services.set_preferences(cast.admin, language="tr", time_zone="UTC")
    response = client_for(cast.admin).post(
        "/accounts/people/new/",
        {"email": "learner@example.com", "full_name": "", "language": "tr", "time_zone": "UTC"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bu alan zorunludur." in html
    assert User.objects.count() == 5


def test_a_taken_address_is_refused(cast):
    response = client_for(cast.admin).post(
        "/accounts/people/new/",
        {"email": "LEARNER@example.com", "full_name": "Copy", "language": "en", "time_zone": "UTC"},
    )
    assert "Someone else already has this e-mail address." in response.content.decode()


def test_an_administrator_edits_a_person_and_their_roles(cast):
    response = client_for(cast.admin).post(
        f"/accounts/people/{cast.learner.pk}/edit/",
        {
            "email": "leyla@example.com",
            "full_name": "Leyla Learner-Yılmaz",
            "department": cast.germany.pk,
            "language": "en",
            "time_zone": "Europe/Berlin",
            "roles": ["manager"],
        },
    )
    assert response.status_code == 302
    cast.learner.refresh_from_db()
    assert cast.learner.email == "leyla@example.com"
    assert cast.learner.department == cast.germany
    assert cast.learner.is_manager


def test_deactivation_keeps_the_record_and_can_be_undone(cast):
    client = client_for(cast.admin)
    client.post(f"/accounts/people/{cast.learner.pk}/deactivate/")
    cast.learner.refresh_from_db()
    assert not cast.learner.is_active
    assert client.get(f"/accounts/people/{cast.learner.pk}/").status_code == 200
    client.post(f"/accounts/people/{cast.learner.pk}/reactivate/")
    cast.learner.refresh_from_db()
    assert cast.learner.is_active


def test_administrators_cannot_deactivate_themselves(cast):
    response = client_for(cast.admin).post(
        f"/accounts/people/{cast.admin.pk}/deactivate/", follow=True
    )
    assert "You cannot deactivate yourself." in response.content.decode()
    cast.admin.refresh_from_db()
    assert cast.admin.is_active


def test_an_unknown_person_is_404(cast):
    assert client_for(cast.admin).get("/accounts/people/999999/").status_code == 404


def test_the_export_streams_the_filtered_people_in_the_import_format(cast):
    services.update_person(cast.learner, employee_id="=HYPERLINK(1)")
    response = client_for(cast.admin).get(
        "/accounts/people/export.csv", {"department": cast.turkiye.pk}
    )
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["email"] for r in rows] == ["learner@example.com", "manager@example.com"]
    assert rows[0]["department_code"] == "TR-IST"
    assert rows[0]["employee_id"] == "'=HYPERLINK(1)"  # never run as a spreadsheet formula
    assert rows[1]["roles"] == "manager"


def test_a_manager_exports_only_their_team(cast):
    response = client_for(cast.manager).get("/accounts/people/export.csv")
    emails = {
        r["email"]
        for r in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert emails == {"learner@example.com", "manager@example.com"}


def test_administrators_cannot_remove_their_own_administrator_role(cast):
    response = client_for(cast.admin).post(
        f"/accounts/people/{cast.admin.pk}/edit/",
        {
            "email": "admin@example.com",
            "full_name": "Ada Admin",
            "language": "en",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 200
    assert "You cannot remove your own administrator role." in response.content.decode()
    cast.admin.refresh_from_db()
    assert cast.admin.is_administrator


def test_adding_an_sso_only_person_with_an_invitation_tells_the_administrator(
    cast, mailbox, settings
):
    settings.LECTIO_SSO_ONLY_DOMAINS = ["corp.example"]
    form = {"full_name": "Sam Single", "language": "en", "time_zone": "UTC"}
    client = client_for(cast.admin)
    response = client.post(
        "/accounts/people/new/", {**form, "email": "sam@corp.example", "send_invitation": "on"}
    )
    assert response.status_code == 302
    assert User.objects.filter(email="sam@corp.example").exists()
    page = client.get(response["Location"]).content.decode()
    assert "sam@corp.example signs in through single sign-on: there is no password to set." in (
        page
    )
    assert mailbox == []
    # Another domain still gets its invitation.
    client.post(
        "/accounts/people/new/", {**form, "email": "ann@example.com", "send_invitation": "on"}
    )
    assert [message["To"] for message in mailbox] == ["ann@example.com"]
