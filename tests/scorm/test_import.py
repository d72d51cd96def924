"""Uploading a package in the lesson editor, replacing it, and what catalog sees."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lectio.catalog import services as catalog
from lectio.scorm.models import Package, ScoState
from tests.helpers import client_for
from tests.scorm.builders import MANIFEST_12, SCO_12, make_zip, scorm12, scorm2004
from tests.scorm.conftest import SITE, upload


def package_lesson(cast):
    course = catalog.create_course(title="Packages", by=cast.instructor)
    module = catalog.add_module(course, title="M")
    return catalog.add_lesson(module, title="Interactive", kind_name="package")


def post(client, lesson, data: bytes, name: str = "course.zip"):
    return client.post(
        reverse("scorm:lesson_package", args=[lesson.pk]),
        {"package": SimpleUploadedFile(name, data, content_type="application/zip")},
        HTTP_HOST=SITE,
    )


def test_it_imports_a_package_from_the_lesson_editor(cast):
    lesson = package_lesson(cast)
    client = client_for(cast.instructor)
    response = post(client, lesson, scorm12())
    assert response.status_code == 302
    package = Package.objects.get(lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.content == {"package": str(package.key)}
    assert (package.standard, package.title, package.file_count) == ("scorm12", "Safety basics", 2)
    assert default_storage.exists(f"packages/{package.key}/index.html")
    assert catalog.publish_problems(lesson.course) == []
    panel = client.get(
        reverse("scorm:lesson_package", args=[lesson.pk]), HTTP_HOST=SITE, HTTP_HX_REQUEST="true"
    )
    assert (
        "Safety basics" in panel.content.decode() and "mastery score 80" in panel.content.decode()
    )


def test_a_refused_package_stores_nothing_and_says_why(cast):
    lesson = package_lesson(cast)
    client = client_for(cast.instructor)
    response = post(client, lesson, make_zip({"index.html": SCO_12}))
    assert response.status_code == 400
    assert "The package has no imsmanifest.xml (SCORM) nor cmi5.xml" in response.content.decode()
    assert not Package.objects.exists()
    lesson.refresh_from_db()
    assert lesson.content == {}
    assert stored_files() == []


def test_a_package_whose_member_lies_about_its_size_leaves_no_files(cast, monkeypatch):
    from lectio.scorm import packages

    lesson = package_lesson(cast)
    real = packages.read_member
    calls = []

    def lying(archive, info, limit):
        calls.append(info.filename)
        if len(calls) == 3:  # the manifest, then the first file stored, then this
            raise packages.PackageRefused("“index.html” is larger than its header says.")
        return real(archive, info, limit)

    monkeypatch.setattr(packages, "read_member", lying)
    response = post(client_for(cast.instructor), lesson, scorm12())
    assert response.status_code == 400
    assert "is larger than its header says" in response.content.decode()
    assert not Package.objects.exists()
    assert len(calls) == 3  # one file was stored before the refusal, then removed
    assert stored_files() == []


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT) / "packages"
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_requires_an_author_of_the_course(cast):
    lesson = package_lesson(cast)
    for person in (cast.learner, cast.outsider):
        assert post(client_for(person), lesson, scorm12()).status_code == 404
    assert not Package.objects.exists()


def test_it_refuses_an_upload_without_a_file(cast):
    lesson = package_lesson(cast)
    response = client_for(cast.instructor).post(
        reverse("scorm:lesson_package", args=[lesson.pk]), {}, HTTP_HOST=SITE
    )
    assert response.status_code == 400 and "Choose a zip file" in response.content.decode()


def test_replacing_a_package_keeps_records_and_shows_what_changed(cast, multi):
    ScoState.objects.create(
        enrollment=multi.enrollment, lesson=multi.lesson, sco="alarm", session=1
    )
    replacement = upload(
        multi.lesson, scorm2004(alarm_title="Fire alarm", drill=True, exits=False), cast.instructor
    )
    assert replacement.changes == {
        "previous": str(multi.package.key),
        "added": ["Drill"],
        "removed": ["Exits"],
        "renamed": [["Alarm", "Fire alarm"]],
        "kept": ["Fire alarm"],
    }
    assert ScoState.objects.filter(lesson=multi.lesson, sco="alarm").exists()
    multi.lesson.refresh_from_db()
    assert multi.lesson.content["package"] == str(replacement.key)
    # Learners keep the published version until the course is published again.
    assert multi.course.live_version.outline["modules"][0]["lessons"][0]["content"][
        "package"
    ] == str(multi.package.key)
    panel = (
        client_for(cast.instructor)
        .get(reverse("scorm:lesson_package", args=[multi.lesson.pk]), HTTP_HOST=SITE)
        .content.decode()
    )
    assert (
        "Added: Drill" in panel
        and "Removed: Exits" in panel
        and "Renamed: Alarm → Fire alarm" in panel
    )


def test_the_outline_carries_the_package_structure(multi):
    lesson = multi.course.live_version.outline["modules"][0]["lessons"][0]
    assert lesson["content"]["standard"] == "scorm2004_4"
    assert [s["id"] for s in lesson["content"]["scos"]] == ["alarm", "exits"]


def test_the_lesson_editor_loads_the_package_panel(cast):
    lesson = package_lesson(cast)
    page = client_for(cast.instructor).get(
        reverse("authoring:lesson", args=[lesson.pk]), HTTP_HOST=SITE
    )
    assert reverse("scorm:lesson_package", args=[lesson.pk]) in page.content.decode()
    assert "placeholder" not in page.content.decode()


def test_a_manifest_in_a_subfolder_is_named(cast):
    lesson = package_lesson(cast)
    data = make_zip({"course/imsmanifest.xml": MANIFEST_12, "course/index.html": SCO_12})
    response = post(client_for(cast.instructor), lesson, data)
    assert "not in “course/imsmanifest.xml”" in response.content.decode()


def test_the_package_panel_runs_a_bounded_number_of_queries(
    cast, multi, django_assert_max_num_queries
):
    client = client_for(cast.instructor)
    url = reverse("scorm:lesson_package", args=[multi.lesson.pk])
    with django_assert_max_num_queries(8):
        assert client.get(url, HTTP_HOST=SITE).status_code == 200


def test_the_panel_alone_for_htmx_and_a_whole_page_after_a_refused_post(cast):
    lesson = package_lesson(cast)
    client = client_for(cast.instructor)
    url = reverse("scorm:lesson_package", args=[lesson.pk])
    fragment = client.get(url, HTTP_HOST=SITE, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="package-panel"' in fragment
    refused = post(client, lesson, b"junk").content.decode()
    assert "<html" in refused and "The file is not a readable zip archive." in refused
