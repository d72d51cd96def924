"""HR sync by CSV drop folder and `lectio hr_sync`: upserts, leavers, reports."""

import os
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lectio.accounts import hr_sync, services
from lectio.accounts.models import Department, HrSyncRun, User
from lectio.accounts.tasks import hr_sync_drop
from tests.helpers import body, client_for

HEADER = "email,full_name,department_code,job_title,language,time_zone\n"
FIRST = (
    HEADER
    + "learner@example.com,Leyla Learner,TR-IST,Operator,en,Europe/Istanbul\n"
    + "new.hire@example.com,Nora Newhire,DE,Engineer,en,Europe/Berlin\n"
    + "outsider@example.com,Otto Outsider,DE,,en,Europe/Berlin\n"
)


@pytest.fixture
def drop(tmp_path, settings):
    folder = tmp_path / "hr-drop"
    folder.mkdir()
    settings.LECTIO_HR_DROP_DIR = str(folder)
    return folder


def kept(folder, name):
    """The processed file, kept under a time stamp so a daily name never overwrites."""
    [path] = folder.glob(f"*-{name}")
    return path


def put(folder, name, text, age=60):
    """A file the HR system finished writing ``age`` seconds ago."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_it_applies_a_people_file_and_reports_what_changed(cast, drop):
    put(drop, "people-2026-11-28.csv", FIRST)
    [run] = hr_sync.sync_drop_folder()
    assert run.status == HrSyncRun.Status.APPLIED
    assert (run.created, run.updated, run.moved, run.deactivated, run.error_count) == (
        1,
        1,
        0,
        0,
        0,
    )
    nora = User.objects.get(email="new.hire@example.com")
    assert (nora.full_name, nora.department, nora.time_zone) == (
        "Nora Newhire",
        cast.germany,
        "Europe/Berlin",
    )
    assert run.report["created"] == [{"email": "new.hire@example.com", "name": "Nora Newhire"}]
    assert run.report["updated"] == [
        {"email": "learner@example.com", "changes": {"job_title": ["", "Operator"]}}
    ]
    assert nora.hr_synced_at is not None
    assert kept(drop / "done", "people-2026-11-28.csv").read_text(encoding="utf-8") == FIRST
    assert not list(drop.glob("*.csv"))


def test_a_full_file_deactivates_leavers_and_keeps_their_history(cast, drop):
    put(drop, "people-1.csv", FIRST)
    hr_sync.sync_drop_folder()
    hand_made = services.create_person(email="contractor@example.com", full_name="Carl Contractor")
    second = (
        HEADER
        + "learner@example.com,Leyla Learner,DE,Operator,en,Europe/Istanbul\n"
        + "new.hire@example.com,Nora Newhire,DE,Engineer,en,Europe/Berlin\n"
    )
    put(drop, "people-2.csv", second)
    [run] = hr_sync.sync_drop_folder()
    assert run.report["deactivated"] == [{"email": "outsider@example.com"}]
    assert run.report["moved"] == [{"email": "learner@example.com", "from": "TR-IST", "to": "DE"}]
    assert run.report["updated"] == []
    outsider = User.objects.get(email="outsider@example.com")
    assert not outsider.is_active and outsider.deactivated_at is not None
    hand_made.refresh_from_db()
    assert hand_made.is_active  # never listed by HR: not HR's to deactivate
    # Managers and admins were never in an HR file either.
    assert User.objects.get(email="admin@example.com").is_active


def test_a_changes_file_deactivates_no_one(cast, drop):
    put(drop, "people-1.csv", FIRST)
    hr_sync.sync_drop_folder()
    put(drop, "people-changes-1.csv", HEADER + "new.hire@example.com,Nora N.,DE,,en,UTC\n")
    [run] = hr_sync.sync_drop_folder()
    assert run.status == HrSyncRun.Status.APPLIED
    assert run.report["full"] is False
    assert run.deactivated == 0
    assert User.objects.get(email="outsider@example.com").is_active
    assert run.report["updated"] == [
        {
            "email": "new.hire@example.com",
            "changes": {
                "full_name": ["Nora Newhire", "Nora N."],
                "job_title": ["Engineer", ""],
                "time_zone": ["Europe/Berlin", "UTC"],
            },
        }
    ]


def test_a_malformed_file_changes_nothing_and_moves_to_failed_with_a_report(cast, drop):
    put(drop, "people-1.csv", FIRST)
    hr_sync.sync_drop_folder()
    bad = (
        HEADER
        + "learner@example.com,Leyla Renamed,TR-IST,Operator,en,Europe/Istanbul\n"
        + "someone@example.com,Some One,NOPE,,en,UTC\n"
        + "other@example.com,Other,DE,,xx,Mars/Base\n"
    )
    put(drop, "people-2.csv", bad)
    [run] = hr_sync.sync_drop_folder()
    assert run.status == HrSyncRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.report["errors"]] == [
        (3, "department_code"),
        (4, "language"),
        (4, "time_zone"),
    ]
    assert (run.created, run.updated, run.deactivated) == (0, 0, 0)
    assert User.objects.get(email="learner@example.com").full_name == "Leyla Learner"
    assert User.objects.get(email="outsider@example.com").is_active  # no leavers either
    assert not User.objects.filter(email="someone@example.com").exists()
    failed = kept(drop / "failed", "people-2.csv")
    assert failed.read_text(encoding="utf-8") == bad
    errors = failed.with_name(failed.name + ".errors.txt").read_text(encoding="utf-8")
    assert "line 3, column department_code: No department has the code “NOPE”." in errors


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.csv", "", "The file is empty."),
        ("people.csv", "email,full_name,surname\nx@example.com,X,Y\n", "Unknown columns: surname"),
        ("people.csv", "email,full_name\n\xff\n", None),
        ("staff.csv", HEADER, "must start with “people” or “departments”"),
    ],
)
def test_files_that_cannot_be_read_fail_whole(cast, drop, name, content, message):
    path = drop / name
    path.write_bytes(content.encode("latin-1"))
    os.utime(path, (time.time() - 60, time.time() - 60))
    [run] = hr_sync.sync_drop_folder()
    assert run.status == HrSyncRun.Status.FAILED
    assert run.error_count == 1
    if message:
        assert message in run.report["errors"][0]["message"]
    assert kept(drop / "failed", name).exists()


def test_departments_come_before_people_in_one_drop(cast, drop):
    put(drop, "people-1.csv", HEADER + "ayse@example.com,Ayşe,TR-ANK,,tr,Europe/Istanbul\n")
    put(drop, "departments-1.csv", "code,name,parent_code\nTR-ANK,Ankara,TR\nDE,Deutschland,HQ\n")
    departments, people = hr_sync.sync_drop_folder()
    assert departments.kind == "departments" and people.kind == "people"
    assert departments.report["created"] == [{"code": "tr-ank", "name": "Ankara"}]
    assert departments.report["updated"] == [
        {"code": "de", "changes": {"name": ["Germany", "Deutschland"]}}
    ]
    assert User.objects.get(email="ayse@example.com").department.code == "TR-ANK"
    assert Department.objects.get(code="TR-ANK").parent == cast.turkiye


def test_a_file_still_being_written_waits_for_the_next_run(cast, drop):
    put(drop, "people-1.csv", FIRST, age=0)
    assert hr_sync.sync_drop_folder() == []
    assert (drop / "people-1.csv").exists()


def test_a_file_left_in_processing_by_a_stopped_run_is_applied_again(cast, drop):
    (drop / "processing").mkdir()
    put(drop / "processing", "20261128T010000-people-1.csv", FIRST)
    recent = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    put(drop / "processing", f"{recent}-people-2.csv", FIRST)  # a run still at work
    [run] = hr_sync.sync_drop_folder()
    assert run.file_name == "people-1.csv" and run.status == HrSyncRun.Status.APPLIED
    assert User.objects.filter(email="new.hire@example.com").exists()
    assert kept(drop / "done", "people-1.csv").exists()
    assert (drop / "processing" / f"{recent}-people-2.csv").exists()


def test_a_stale_file_superseded_by_a_newer_one_of_its_name_is_not_applied(cast, drop):
    (drop / "processing").mkdir()
    put(drop / "processing", "20261128T010000-people-1.csv", FIRST)
    newer = HEADER + "nora@example.com,Nora Newer,DE,,en,Europe/Berlin\n"
    put(drop, "people-1.csv", newer)
    [run] = hr_sync.sync_drop_folder()
    assert User.objects.filter(email="nora@example.com").exists()
    assert not User.objects.filter(email="new.hire@example.com").exists()
    assert (drop / "failed" / "20261128T010000-people-1.csv").exists()
    note = drop / "failed" / "20261128T010000-people-1.csv.errors.txt"
    assert "newer people-1.csv" in note.read_text(encoding="utf-8")
    assert run.status == HrSyncRun.Status.APPLIED


def test_the_periodic_job_runs_the_drop_folder(cast, drop, settings):
    assert settings.LECTIO_PERIODIC_TASKS["accounts.hr_sync"]["task"] == (
        "lectio.accounts.tasks.hr_sync_drop"
    )
    put(drop, "people-1.csv", FIRST)
    assert hr_sync_drop.call() == 1
    assert User.objects.filter(email="new.hire@example.com").exists()
    settings.LECTIO_HR_DROP_DIR = ""
    assert hr_sync_drop.call() == 0


def test_leavers_and_changes_are_announced(
    cast, drop, django_capture_on_commit_callbacks, monkeypatch
):
    put(drop, "people-1.csv", FIRST)
    hr_sync.sync_drop_folder()
    announced: list[int] = []
    monkeypatch.setattr("lectio.accounts.hooks._people_changed", [announced.extend])
    put(drop, "people-2.csv", HEADER + "learner@example.com,Leyla Learner,DE,,en,UTC\n")
    with django_capture_on_commit_callbacks(execute=True):
        hr_sync.sync_drop_folder()
    assert {cast.learner.pk, cast.outsider.pk} <= set(announced)


def test_the_report_is_emailed_when_asked(cast, drop, settings, mailbox):
    settings.LECTIO_HR_REPORT_EMAILS = ["hr-admin@example.com"]
    settings.SITE_URL = "https://learn.example.com"
    put(drop, "people-1.csv", FIRST)
    [run] = hr_sync.sync_drop_folder()
    [message] = mailbox
    assert message["To"] == "hr-admin@example.com"
    assert message["Subject"] == "HR sync of people-1.csv: Applied"
    text = body(message)
    assert "created: new.hire@example.com" in text
    assert f"https://learn.example.com/accounts/hr-sync/{run.pk}/" in text


def test_the_command_applies_a_file(cast, tmp_path):
    path = tmp_path / "people-now.csv"
    path.write_text(FIRST, encoding="utf-8")
    out = StringIO()
    call_command("hr_sync", str(path), stdout=out)
    assert "created: new.hire@example.com" in out.getvalue()
    assert User.objects.filter(email="new.hire@example.com").exists()
    assert path.exists()  # the command leaves the file where it is
    assert HrSyncRun.objects.get().status == HrSyncRun.Status.APPLIED


def test_a_dry_run_shows_the_changes_and_changes_nothing(cast, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(FIRST, encoding="utf-8")
    call_command("hr_sync", str(path))
    path.write_text(HEADER + "learner@example.com,Leyla L.,DE,,en,UTC\n", encoding="utf-8")
    out = StringIO()
    call_command("hr_sync", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Dry run" in text
    assert "moved: learner@example.com from TR-IST to DE" in text
    assert "deactivated: new.hire@example.com" in text
    learner = User.objects.get(email="learner@example.com")
    assert (learner.full_name, learner.department) == ("Leyla Learner", cast.istanbul)
    assert User.objects.get(email="new.hire@example.com").is_active
    assert HrSyncRun.objects.first().status == HrSyncRun.Status.DRY_RUN


def test_the_command_refuses_a_bad_file(cast, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "not-an-address,X,,,en,UTC\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("hr_sync", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="is not a file"):
        call_command("hr_sync", str(tmp_path / "missing.csv"))


def test_administrators_see_the_runs(cast, drop, django_assert_max_num_queries):
    put(drop, "people-1.csv", FIRST)
    put(drop, "people-2.csv", HEADER + "x,,,,,\n")
    hr_sync.sync_drop_folder()
    admin = client_for(cast.admin)
    with django_assert_max_num_queries(6):
        page = admin.get("/accounts/hr-sync/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "people-1.csv" in text and "people-2.csv" in text
    applied = HrSyncRun.objects.get(file_name="people-1.csv")
    detail = admin.get(f"/accounts/hr-sync/{applied.pk}/").content.decode()
    assert "new.hire@example.com" in detail and "Operator" in detail
    nora = User.objects.get(email="new.hire@example.com")
    assert "Last in an HR file" in admin.get(f"/accounts/people/{nora.pk}/").content.decode()
    failed = HrSyncRun.objects.get(file_name="people-2.csv")
    detail = admin.get(f"/accounts/hr-sync/{failed.pk}/").content.decode()
    assert "Nothing was changed" in detail and "is not a valid e-mail address" in detail


def test_only_administrators_see_the_runs(cast, drop):
    put(drop, "people-1.csv", FIRST)
    [run] = hr_sync.sync_drop_folder()
    for person in (cast.manager, cast.learner):
        client = client_for(person)
        assert client.get("/accounts/hr-sync/").status_code == 403
        assert client.get(f"/accounts/hr-sync/{run.pk}/").status_code == 403
    assert client_for(cast.admin).get("/accounts/hr-sync/999999/").status_code == 404


def test_a_large_file_is_applied_in_chunks(cast, tmp_path):
    rows = "".join(f"p{n}@example.com,Person {n},DE,,en,UTC\n" for n in range(600))
    path = tmp_path / "people.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    call_command("hr_sync", str(path), stdout=StringIO())
    assert User.objects.filter(hr_synced_at__isnull=False).count() == 600
    path.write_text(HEADER + rows.split("\n", 1)[1], encoding="utf-8")  # p0 has left
    call_command("hr_sync", str(path), stdout=StringIO())
    run = HrSyncRun.objects.first()
    assert run.report["deactivated"] == [{"email": "p0@example.com"}]
    assert (run.created, run.updated) == (0, 0)


def many(n, start=0):
    return "".join(f"p{i}@example.com,Person {i},DE,,en,UTC\n" for i in range(start, start + n))


def test_a_full_file_that_would_deactivate_too_many_is_refused_whole(cast, drop, settings):
    settings.LECTIO_HR_MAX_DEACTIVATIONS = 3
    settings.LECTIO_HR_MAX_DEACTIVATION_PERCENT = 10
    put(drop, "people-1.csv", HEADER + many(50))
    hr_sync.sync_drop_folder()
    # A truncated export: 40 of 50 people missing, and a name changed.
    put(drop, "people-2.csv", HEADER + many(10).replace("Person 0", "Renamed"))
    [run] = hr_sync.sync_drop_folder()
    assert run.status == HrSyncRun.Status.FAILED
    assert (run.deactivated, run.updated) == (0, 0)
    [error] = run.report["errors"]
    assert "would deactivate 40 of 50 people (the limit is 5)" in error["message"]
    assert "--force" in error["message"]
    assert User.objects.filter(email__startswith="p", is_active=True).count() == 50
    assert User.objects.get(email="p0@example.com").full_name == "Person 0"  # nothing applied
    report = kept(drop / "failed", "people-2.csv").with_name(
        kept(drop / "failed", "people-2.csv").name + ".errors.txt"
    )
    assert "would deactivate 40 of 50" in report.read_text(encoding="utf-8")


def test_leavers_within_the_limit_go_and_force_applies_a_big_change(cast, tmp_path, settings):
    settings.LECTIO_HR_MAX_DEACTIVATIONS = 3
    settings.LECTIO_HR_MAX_DEACTIVATION_PERCENT = 10
    path = tmp_path / "people.csv"
    path.write_text(HEADER + many(50), encoding="utf-8")
    call_command("hr_sync", str(path), stdout=StringIO())
    path.write_text(HEADER + many(45, start=5), encoding="utf-8")  # 5 of 50: 10% is allowed
    call_command("hr_sync", str(path), stdout=StringIO())
    assert HrSyncRun.objects.first().deactivated == 5
    path.write_text(HEADER + many(20, start=5), encoding="utf-8")  # 25 of 45 would go
    with pytest.raises(CommandError):
        call_command("hr_sync", str(path), stdout=StringIO())
    assert User.objects.filter(email__startswith="p", is_active=True).count() == 45
    out = StringIO()
    call_command("hr_sync", str(path), "--force", stdout=out)
    assert "25 deactivated" in out.getvalue()
    assert User.objects.filter(email__startswith="p", is_active=True).count() == 20


def test_a_rehired_person_listed_again_is_reactivated_unless_the_file_says_no(cast, drop):
    put(drop, "people-1.csv", FIRST)
    hr_sync.sync_drop_folder()
    put(drop, "people-2.csv", HEADER + FIRST.split("\n", 1)[1].replace(OUTSIDER, ""))
    [left] = hr_sync.sync_drop_folder()
    assert left.report["deactivated"] == [{"email": "outsider@example.com"}]
    # An administrator deactivated Nora by hand; HR still lists her.
    services.deactivate_person(User.objects.get(email="new.hire@example.com"))
    put(drop, "people-3.csv", FIRST)
    [back] = hr_sync.sync_drop_folder()
    assert back.status == HrSyncRun.Status.APPLIED
    assert back.report["reactivated"] == [{"email": "outsider@example.com"}]
    assert User.objects.get(email="outsider@example.com").is_active
    assert not User.objects.get(email="new.hire@example.com").is_active  # not HR's doing
    assert "reactivated: outsider@example.com" in hr_sync.summary(back)
    # Deactivated again by HR, then listed with active=no: stays deactivated.
    put(drop, "people-4.csv", HEADER + FIRST.split("\n", 1)[1].replace(OUTSIDER, ""))
    hr_sync.sync_drop_folder()
    put(
        drop,
        "people-5.csv",
        HEADER.strip() + ",active\n" + OUTSIDER.replace("\n", ",no\n"),
    )
    [still] = hr_sync.sync_drop_folder()
    assert still.report["reactivated"] == []
    assert not User.objects.get(email="outsider@example.com").is_active


OUTSIDER = "outsider@example.com,Otto Outsider,DE,,en,Europe/Berlin\n"
