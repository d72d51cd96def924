import pytest

from lectio.accounts import imports
from lectio.accounts.models import Department, PeopleImport, User
from tests.helpers import client_for

HEADER = (
    "email,full_name,department_code,job_title,employee_id,hire_date,language,time_zone,roles\n"
)


def people(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


GOOD = people(
    "zeynep@example.com,Zeynep Kaya,TR-IST,Analyst,E1,2026-01-05,tr,Europe/Istanbul,",
    "liam@example.com,Liam Brown,DE,Engineer,E2,,en,America/Chicago,instructor;manager",
    "learner@example.com,Leyla Learner,TR-IST,Shift lead,E3,2020-05-01,en,Europe/Istanbul,",
)


def errors(report: imports.Report) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in report.errors]


def test_a_clean_file_is_previewed_then_imported(cast):
    report = imports.check_people(GOOD)
    assert report.ok
    assert (report.rows, report.created, report.updated) == (3, 2, 1)
    assert not User.objects.filter(email="zeynep@example.com").exists()  # checking writes nothing
    report = imports.apply_people(GOOD)
    assert (report.created, report.updated) == (2, 1)
    zeynep = User.objects.get(email="zeynep@example.com")
    assert (zeynep.department, zeynep.language, str(zeynep.hire_date)) == (
        cast.istanbul,
        "tr",
        "2026-01-05",
    )
    liam = User.objects.get(email="liam@example.com")
    assert liam.is_instructor and liam.is_manager and not liam.is_administrator
    cast.learner.refresh_from_db()
    assert (cast.learner.job_title, cast.learner.employee_id) == ("Shift lead", "E3")


def test_every_bad_row_is_reported_and_nothing_is_imported(cast):
    text = people(
        "good@example.com,Good Person,TR-IST,,,,,,",
        "not-an-email,Bad Email,,,,,,,",
        "twice@example.com,Twice One,,,,,,,",
        "Twice@example.com,Twice Two,,,,,,,",
        "nodept@example.com,No Dept,XX-NOPE,,,,,,",
        "zone@example.com,Bad Zone,,,,,,Europe/Atlantis,",
        "lang@example.com,Bad Language,,,,,de,,",
        "date@example.com,Bad Date,,,,31/12/2026,,,",
        "role@example.com,Bad Role,,,,,,,wizard",
        "noname@example.com,,,,,,,,",
    )
    report = imports.check_people(text)
    assert errors(report) == [
        (3, "email"),
        (5, "email"),
        (6, "department_code"),
        (7, "time_zone"),
        (8, "language"),
        (9, "hire_date"),
        (10, "roles"),
        (11, "full_name"),
    ]
    messages = {e.column: e.message for e in report.errors}
    assert (
        report.errors[1].message == "twice@example.com appears twice in the file (also on line 4)."
    )
    assert "“XX-NOPE”" in messages["department_code"]
    assert "Europe/Atlantis" in messages["time_zone"]
    assert imports.apply_people(text).errors == report.errors
    assert not User.objects.filter(email="good@example.com").exists()


def test_employee_ids_must_not_clash(cast):
    cast.outsider.employee_id = "E7"
    cast.outsider.save()
    text = people(
        "a@example.com,A,,,E7,,,,",
        "b@example.com,B,,,E8,,,,",
        "c@example.com,C,,,E8,,,,",
    )
    report = imports.check_people(text)
    assert errors(report) == [(2, "employee_id"), (4, "employee_id")]
    assert "outsider@example.com" in report.errors[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty."),
        ("email,full_name\n", "The file has a header but no rows."),
        ("full_name,job_title\nAnn,Boss\n", "Required columns are missing: email."),
        ("email,full_name,shoe_size\na@example.com,A,42\n", "Unknown columns: shoe_size."),
        ("email,full_name,email\na@example.com,A,b@example.com\n", "A column appears twice"),
    ],
)
def test_problems_with_the_whole_file_are_explained(db, content, message):
    with pytest.raises(imports.FileProblem, match=message):
        imports.check_people(content)


def test_a_file_that_is_not_utf8_is_refused_with_advice(db):
    data = "email,full_name\nayse@example.com,Ayşe Çelik\n".encode("cp1254")
    with pytest.raises(imports.FileProblem, match="not UTF-8"):
        imports.decode(data)


def test_a_byte_order_mark_and_semicolons_are_understood(cast):
    data = "\ufeffemail;full_name;department_code\nayse@example.com;Ayşe Çelik;TR-IST\n".encode()
    report = imports.apply_people(imports.decode(data))
    assert report.ok, report.errors
    assert User.objects.get(email="ayse@example.com").full_name == "Ayşe Çelik"


def test_a_row_with_the_wrong_number_of_values_is_reported(db):
    report = imports.check_people("email,full_name\na@example.com,A,extra\n")
    assert errors(report) == [(2, "")]
    assert "3 values; the header has 2" in report.errors[0].message


def test_active_column_deactivates_and_reactivates(cast):
    report = imports.apply_people(
        "email,full_name,active\nlearner@example.com,Leyla Learner,no\nnew@example.com,New,yes\n"
    )
    assert report.ok
    cast.learner.refresh_from_db()
    assert not cast.learner.is_active
    assert User.objects.get(email="new@example.com").is_active
    assert errors(imports.check_people("email,full_name,active\na@example.com,A,maybe\n")) == [
        (2, "active")
    ]


def test_export_then_import_changes_nothing(cast):
    exported = "".join(imports.people_csv_rows(User.objects.select_related("department")))
    report = imports.apply_people(exported)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 5)
    cast.manager.refresh_from_db()
    assert cast.manager.is_manager and cast.manager.department == cast.turkiye


# ---- Departments ----------------------------------------------------------------------

DEPARTMENTS = (
    "code,name,parent_code,location,manager_email\n"
    "TR-IST-N,Night shift,TR-IST,Istanbul,learner@example.com\n"
    "US-CHI,Chicago,US,Chicago,\n"
    "US,United States,HQ,,\n"
)


def test_departments_import_with_parents_anywhere_in_the_file(cast):
    report = imports.check_departments(DEPARTMENTS)
    assert report.ok and (report.created, report.updated) == (3, 0)
    report = imports.apply_departments(DEPARTMENTS)
    assert report.ok
    chicago = Department.objects.get(code="US-CHI")
    assert chicago.parent.code == "US"
    assert chicago.path == f"{cast.hq.path}{chicago.parent_id}/{chicago.pk}/"
    night = Department.objects.get(code="TR-IST-N")
    assert night.manager == cast.learner


def test_departments_import_updates_and_moves_known_departments(cast):
    report = imports.apply_departments("code,name,parent_code\nTR-IST,Istanbul Ops,DE\n")
    assert (report.created, report.updated) == (0, 1)
    cast.istanbul.refresh_from_db()
    assert (cast.istanbul.name, cast.istanbul.parent, cast.istanbul.depth) == (
        "Istanbul Ops",
        cast.germany,
        2,
    )


def test_department_problems_are_reported_per_row(cast):
    text = (
        "code,name,parent_code,manager_email\n"
        "A,Alpha,B,\n"
        "B,Beta,A,\n"
        "C,Gamma,NOPE,\n"
        "D,,,\n"
        "E,Epsilon,,ghost@example.com\n"
        "A,Alpha again,,\n"
    )
    report = imports.check_departments(text)
    assert sorted(errors(report)) == [
        (2, "parent_code"),
        (3, "parent_code"),
        (4, "parent_code"),
        (5, "name"),
        (6, "manager_email"),
        (7, "code"),
    ]
    assert imports.apply_departments(text).errors
    assert not Department.objects.filter(code__in=["A", "B", "C", "E"]).exists()


def test_a_file_may_not_hang_a_known_department_below_its_own_child(cast):
    report = imports.check_departments("code,name,parent_code\nTR,Türkiye,TR-IST\n")
    assert errors(report) == [(2, "parent_code")]
    assert "loop" in report.errors[0].message


# ---- The import pages -----------------------------------------------------------------


def _upload(client, content: bytes, kind: str = "people", name: str = "people.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/accounts/import/",
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_upload_preview_confirm(cast):
    client = client_for(cast.admin)
    response = _upload(client, GOOD.encode())
    batch = PeopleImport.objects.get()
    assert response["Location"] == f"/accounts/import/{batch.pk}/"
    preview = client.get(response["Location"]).content.decode()
    assert "All 3 rows are valid: 2 will be added and 1 updated." in preview
    assert not User.objects.filter(email="zeynep@example.com").exists()
    done = client.post(response["Location"])
    assert done["Location"] == "/accounts/import/"
    assert User.objects.filter(email="zeynep@example.com").exists()
    batch.refresh_from_db()
    assert (batch.status, batch.row_count, batch.created_by) == ("applied", 3, cast.admin)
    # Confirming again imports nothing twice.
    client.post(f"/accounts/import/{batch.pk}/")
    assert User.objects.filter(email="zeynep@example.com").count() == 1


def test_the_preview_lists_each_bad_row(cast):
    client = client_for(cast.admin)
    response = _upload(client, people("bad,Bad,,,,,,,", "x@example.com,X,NOPE,,,,,,").encode())
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported: 2 problems need fixing." in page
    assert "“bad” is not a valid e-mail address." in page
    assert "No department has the code “NOPE”." in page
    client.post(response["Location"])
    assert not User.objects.filter(email="x@example.com").exists()


def test_a_wrongly_encoded_upload_is_refused_on_the_form(cast):
    response = _upload(client_for(cast.admin), "email,full_name\nş@x.com,Ş\n".encode("cp1254"))
    assert response.status_code == 200
    assert "not UTF-8 encoded" in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_a_file_with_missing_columns_is_explained_on_the_preview(cast):
    client = client_for(cast.admin)
    response = _upload(client, b"name\nAnn\n")
    page = client.get(response["Location"]).content.decode()
    assert "Required columns are missing: email, full_name." in page


def test_an_oversized_upload_is_refused(cast, settings):
    settings.LECTIO_IMPORT_MAX_BYTES = 1024 * 1024
    response = _upload(client_for(cast.admin), GOOD.encode() + b"x" * (1024 * 1024))
    assert "larger than 1 MB" in response.content.decode()


def test_the_department_import_page(cast):
    client = client_for(cast.admin)
    response = _upload(client, DEPARTMENTS.encode(), kind="departments", name="departments.csv")
    client.post(response["Location"])
    assert Department.objects.filter(code="US-CHI").exists()


def test_only_administrators_import(cast):
    client = client_for(cast.manager)
    assert _upload(client, GOOD.encode()).status_code == 403
    batch = PeopleImport.objects.create(kind="people", file_name="x.csv", content=GOOD)
    assert client.post(f"/accounts/import/{batch.pk}/").status_code == 403
    assert not User.objects.filter(email="zeynep@example.com").exists()


def test_a_large_file_is_checked_in_chunks_of_addresses_and_employee_ids(cast):
    """SQLite limits the parameters of one query: lookups go 500 at a time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [f"p{n}@example.com,Person {n},DE,,X{n},,en,UTC," for n in range(1200)]
    rows.append("learner@example.com,Leyla Learner,TR-IST,,X-L,,en,UTC,")
    with CaptureQueriesContext(connection) as queries:
        report = imports.check_people(people(*rows))
    assert report.ok, errors(report)
    assert (report.rows, report.created, report.updated) == (1201, 1200, 1)
    lookups = [q["sql"] for q in queries.captured_queries if "IN (" in q["sql"]]
    assert len(lookups) == 6  # 1201 addresses and 1201 employee ids, 500 at a time
    assert all(q["sql"].count("@example.com") <= 500 for q in queries.captured_queries)
