"""Checking uploaded packages: every refusal names its problem."""

import io
import stat
import zipfile

import pytest

from lectio.scorm import packages
from lectio.scorm.packages import Limits, PackageRefused
from tests.scorm.builders import MANIFEST_12, SCO_12, make_zip, scorm12, scorm2004

LIMITS = Limits(max_bytes=10 * 2**20, max_files=50, max_unpacked_bytes=20 * 2**20)


def inspect(data: bytes, limits: Limits = LIMITS):
    archive = packages.check_zip(io.BytesIO(data), len(data), limits)
    names = {i.filename for i in archive.infolist() if not i.is_dir()}
    if "imsmanifest.xml" not in names:
        return packages.inspect(io.BytesIO(data), len(data))
    return packages.read_manifest(archive.read("imsmanifest.xml"), names)


def refusal(data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(PackageRefused) as caught:
        inspect(data, limits)
    return str(caught.value)


def test_it_reads_a_scorm_12_package():
    structure = inspect(scorm12())
    assert structure["standard"] == "scorm12"
    assert structure["title"] == "Safety basics"
    [sco] = structure["scos"]
    assert sco["id"] == "item1" and sco["launch"] == "index.html" and sco["sco"]
    assert sco["mastery_score"] == 80.0
    assert sco["launch_data"] == "mode=standard"
    assert sco["max_time_allowed"] == "00:30:00"
    assert sco["time_limit_action"] == "continue,no message"


def test_it_reads_a_scorm_2004_package_with_sequencing_and_xml_base():
    structure = inspect(scorm2004(drill=True, choice=False))
    assert structure["standard"] == "scorm2004_4"
    assert [s["id"] for s in structure["scos"]] == ["alarm", "exits", "drill"]
    alarm = structure["scos"][0]
    assert alarm["launch"] == "content/alarm.html"  # resources' xml:base + href
    assert alarm["scaled_passing_score"] == 0.8  # minNormalizedMeasure, satisfiedByMeasure
    assert alarm["launch_data"] == "building=7"
    organization = structure["organization"]
    assert organization["sequencing"]["control"] == {
        "choice": False,
        "choiceExit": True,
        "flow": True,
        "forwardOnly": False,
    }
    assert organization["children"][1]["sequencing"]["rollup"]["weight"] == 3.0


@pytest.mark.parametrize(
    ("version", "standard"),
    [("1.2", "scorm12"), ("CAM 1.3", "scorm2004_3"), ("2004 3rd Edition", "scorm2004_3")],
)
def test_it_detects_the_version_from_schemaversion(version, standard):
    manifest = MANIFEST_12.replace(
        "<schemaversion>1.2</schemaversion>", f"<schemaversion>{version}</schemaversion>"
    )
    assert inspect(scorm12(manifest))["standard"] == standard


def test_it_detects_the_version_from_namespaces_without_schemaversion():
    manifest = MANIFEST_12.replace("<schemaversion>1.2</schemaversion>", "")
    assert inspect(scorm12(manifest))["standard"] == "scorm12"


def test_it_refuses_an_unknown_version_by_name():
    manifest = MANIFEST_12.replace(
        "<schemaversion>1.2</schemaversion>", "<schemaversion>1.1</schemaversion>"
    )
    assert refusal(scorm12(manifest)) == "Unknown SCORM version “1.1” (schemaversion)."


def test_it_refuses_a_file_that_is_not_a_zip():
    assert refusal(b"PK\x03\x04 not really") == "The file is not a readable zip archive."


def test_it_refuses_a_package_without_a_manifest():
    assert refusal(make_zip({"index.html": SCO_12})) == (
        "The package has no imsmanifest.xml (SCORM) nor cmi5.xml (cmi5)."
    )


def test_it_reads_a_cmi5_course_instead_of_refusing_it():
    # A cmi5 course is read by lectio/scorm/cmi5.py (tests/scorm/test_cmi5_structure.py).
    data = make_zip({"cmi5.xml": "<courseStructure/>", "index.html": SCO_12})
    assert "not in the cmi5 namespace" in refusal(data)


def test_it_refuses_a_manifest_that_is_not_at_the_root():
    data = make_zip({"course/imsmanifest.xml": MANIFEST_12, "course/index.html": SCO_12})
    assert "must be at the root of the zip, not in “course/imsmanifest.xml”" in refusal(data)


def test_it_refuses_a_manifest_without_organisation():
    start = MANIFEST_12.index("<organizations")
    end = MANIFEST_12.index("</organizations>") + len("</organizations>")
    manifest = MANIFEST_12[:start] + "<organizations/>" + MANIFEST_12[end:]
    assert refusal(scorm12(manifest)) == "The manifest has no organisation."


def test_it_refuses_malformed_xml_with_its_line():
    assert refusal(scorm12("<manifest>\n<oops></manifest>")) == (
        "imsmanifest.xml is not well-formed XML (line 2)."
    )


def test_it_refuses_an_xml_bomb():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<manifest><metadata><schemaversion>&lol2;</schemaversion></metadata></manifest>"
    )
    assert "refused (XML bomb)" in refusal(scorm12(bomb))


def test_it_refuses_external_entities():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<manifest><metadata><schemaversion>&x;</schemaversion></metadata></manifest>"
    )
    assert "refused (XML bomb)" in refusal(scorm12(xxe))


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.html", "points outside the package"),
        ("content/../../evil.html", "points outside the package"),
        ("/etc/evil.html", "is an absolute path"),
        ("C:/evil.html", "is an absolute path"),
        ("content\\evil.html", "uses backslashes"),
    ],
)
def test_it_refuses_paths_that_leave_the_package(name, problem):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        archive.writestr("index.html", SCO_12)
        info = zipfile.ZipInfo("placeholder")
        info.filename = name  # ZipInfo would normalise some of these; a hostile zip does not
        archive.writestr(info, "x")
    assert problem in refusal(buffer.getvalue())


def test_it_refuses_symbolic_links():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        link = zipfile.ZipInfo("index.html")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert refusal(buffer.getvalue()) == "“index.html” is a symbolic link."


def test_it_refuses_a_zip_bomb_by_ratio():
    data = make_zip(
        {"imsmanifest.xml": MANIFEST_12, "index.html": SCO_12, "pad.txt": b"0" * (5 * 2**20)}
    )
    assert "expands" in refusal(data) and "zip bomb" in refusal(data)


def test_it_refuses_too_many_files():
    files = {f"f{n}.txt": "x" for n in range(60)}
    assert refusal(make_zip({"imsmanifest.xml": MANIFEST_12, **files})) == (
        "The package has 61 files; at most 50 are allowed."
    )


def test_it_refuses_too_much_unpacked_data():
    import os

    limits = Limits(max_bytes=10 * 2**20, max_files=50, max_unpacked_bytes=2**20)
    data = make_zip(
        {"imsmanifest.xml": MANIFEST_12, "index.html": SCO_12, "big.bin": os.urandom(2**20)}
    )
    assert refusal(data, limits).startswith("Unpacked, the package would take 1 MB")


def test_it_refuses_an_oversized_upload():
    limits = Limits(max_bytes=1000, max_files=50, max_unpacked_bytes=2**20)
    assert refusal(scorm12(), limits).startswith("The package is 0 MB; the limit is 0 MB")


def test_it_refuses_an_item_whose_launch_file_is_missing():
    data = make_zip({"imsmanifest.xml": MANIFEST_12})
    assert refusal(data) == "Item “item1” launches “index.html”, which is not in the package."


def test_it_refuses_an_item_pointing_at_a_missing_resource():
    manifest = MANIFEST_12.replace('identifierref="res1"', 'identifierref="nope"')
    assert refusal(scorm12(manifest)) == (
        "Item “item1” refers to resource “nope”, which the manifest lacks."
    )


def test_it_refuses_a_resource_launching_outside_the_package():
    manifest = MANIFEST_12.replace('href="index.html">', 'href="https://example.com/x.html">')
    assert "outside the package" in refusal(scorm12(manifest))
