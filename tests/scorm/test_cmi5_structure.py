"""cmi5 course structures: what is read from cmi5.xml, and every refusal naming the rule."""

import io

import pytest
from django.core.files.storage import default_storage

from lectio.catalog import services as catalog
from lectio.scorm import packages
from lectio.scorm.models import Package
from lectio.scorm.packages import PackageRefused
from tests.scorm.builders import (
    AU1,
    AU2,
    BLOCK,
    COURSE_IRI,
    au_xml,
    cmi5,
    cmi5_xml,
    lang,
    make_zip,
)
from tests.scorm.conftest import upload


def inspect(data: bytes) -> dict:
    return packages.inspect(io.BytesIO(data), len(data))[1]


def refusal(data: bytes) -> str:
    with pytest.raises(PackageRefused) as refused:
        inspect(data)
    return str(refused.value)


def test_it_reads_the_course_blocks_and_aus_of_a_cmi5_zip():
    body = (
        f'<block id="{BLOCK}"><title>{lang("Basics")}</title><description>{lang("B")}</description>'
        + au_xml()
        + "</block>"
        + au_xml(
            AU2,
            url="https://aus.example.com/quiz?x=1",
            attributes='moveOn="Passed" launchMethod="OwnWindow" '
            'activityType="http://adlnet.gov/expapi/activities/assessment"',
            extra="<entitlementKey>abc</entitlementKey>",
        )
    )
    structure = inspect(cmi5(cmi5_xml(body)))
    assert structure["standard"] == "cmi5"
    assert structure["title"] == "Fire safety"
    assert structure["organization"]["id"] == COURSE_IRI
    assert structure["course"]["descriptions"] == {"en-US": "Staying safe"}
    first, second = structure["scos"]
    assert first["id"] == AU1
    assert first["launch"] == "au/index.html" and first["external"] is False
    assert first["moveOn"] == "CompletedAndPassed" and first["masteryScore"] == 0.8
    assert first["launchMethod"] == "AnyWindow" and first["launchParameters"] == "level=1"
    assert first["parents"] == [BLOCK]
    assert second["external"] is True and second["launch"] == "https://aus.example.com/quiz?x=1"
    assert second["launchMethod"] == "OwnWindow" and second["entitlementKey"] == "abc"
    assert second["masteryScore"] is None
    assert structure["blocks"] == [{"id": BLOCK, "title": "Basics", "aus": [AU1]}]


def test_it_defaults_move_on_to_not_applicable():
    structure = inspect(cmi5(cmi5_xml(au_xml(attributes=""))))
    assert structure["scos"][0]["moveOn"] == "NotApplicable"
    assert structure["scos"][0]["launchMethod"] == "AnyWindow"


def test_it_takes_a_bare_cmi5_xml_whose_aus_are_external():
    xml = cmi5_xml(au_xml(url="https://aus.example.com/intro/")).encode()
    structure = inspect(xml)
    assert structure["scos"][0]["external"] is True


def test_it_refuses_a_bare_cmi5_xml_with_an_au_inside_a_package():
    assert "only cmi5.xml was uploaded" in refusal(cmi5_xml().encode())


BAD = [
    (cmi5_xml(course_id="fire-safety"), "The course id “fire-safety” is not an IRI"),
    (cmi5_xml(au_xml("intro")), "The AU id “intro” is not an IRI"),
    (cmi5_xml(au_xml() + au_xml()), f"The id “{AU1}” is used twice"),
    (cmi5_xml(au_xml(COURSE_IRI)), f"The id “{COURSE_IRI}” is used twice"),
    (cmi5_xml(au_xml(url="../secret.html")), "outside the package"),
    (cmi5_xml(au_xml(url="/etc/passwd")), "outside the package"),
    (cmi5_xml(au_xml(url="ftp://example.com/a")), "must be http(s) with a host"),
    (cmi5_xml(au_xml(url="javascript:alert(1)")), "must be http(s) with a host"),
    (cmi5_xml(au_xml(url="https:///nohost")), "must be http(s) with a host"),
    (cmi5_xml(au_xml(url="au/missing.html")), "which is not in the package"),
    (cmi5_xml(au_xml(url="")), "has an empty url"),
    (cmi5_xml(au_xml(url="au/a b.html")), "spaces or backslashes"),
    (
        cmi5_xml(au_xml(url="au/index.html?actor=me")),
        "uses “actor”, a name of the cmi5 launch parameters",
    ),
    (
        cmi5_xml(au_xml(url="https://aus.example.com/q?x=1&amp;endpoint=e")),
        "uses “endpoint”, a name of the cmi5 launch parameters",
    ),
    (cmi5_xml(au_xml(attributes='moveOn="Finished"')), "moveOn “Finished”"),
    (cmi5_xml(au_xml(attributes='masteryScore="1.5"')), "masteryScore “1.5”"),
    (cmi5_xml(au_xml(attributes='masteryScore="-0.1"')), "masteryScore “-0.1”"),
    (cmi5_xml(au_xml(attributes='masteryScore="high"')), "masteryScore “high”"),
    (cmi5_xml(au_xml(attributes='launchMethod="Popup"')), "launchMethod “Popup”"),
    (cmi5_xml(au_xml(attributes='activityType="quiz"')), "activityType “quiz”"),
    (cmi5_xml(au_xml(attributes='colour="red"')), "unknown attribute “colour”"),
    (cmi5_xml(au_xml(extra="<launchParameters>a</launchParameters>" * 2)), "more than one"),
    (cmi5_xml(au_xml(extra="<video/>")), "unknown element <video>"),
    (
        cmi5_xml(f'<au id="{AU1}"><url>au/index.html</url></au>'),
        f"AU “{AU1}” has no <title>",
    ),
    (
        cmi5_xml(
            f'<au id="{AU1}"><title><langstring>x</langstring></title>'
            f"<description>{lang('d')}</description><url>au/index.html</url></au>"
        ),
        "has no valid lang",
    ),
    (
        cmi5_xml(
            f'<au id="{AU1}"><title>plain</title>'
            f"<description>{lang('d')}</description><url>au/index.html</url></au>"
        ),
        "has no <langstring>",
    ),
    (cmi5_xml(""), "The course structure has no AU to launch."),
    (
        cmi5_xml(
            f'<block id="{BLOCK}"><title>{lang("B")}</title>'
            f"<description>{lang('B')}</description></block>"
        ),
        f"Block “{BLOCK}” has no AU.",
    ),
    (
        cmi5_xml(au_xml(extra='<objectives><objective idref="https://x.example/o"/></objectives>')),
        "objective “https://x.example/o”, which is not declared",
    ),
    ("<courseStructure><course/></courseStructure>", "not in the cmi5 namespace"),
    ('<manifest xmlns="x"/>', "does not start with a <courseStructure>"),
    ("<courseStructure", "cmi5.xml is not well-formed XML (line 1)"),
    (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<courseStructure>&lol2;</courseStructure>",
        "declares entities or a DTD, which are refused (XML bomb)",
    ),
]


@pytest.mark.parametrize(("xml", "message"), BAD)
def test_it_refuses_an_invalid_course_structure_naming_the_problem(xml, message):
    assert message in refusal(cmi5(xml))


def test_it_still_checks_the_zip_of_a_cmi5_course():
    data = make_zip({"cmi5.xml": cmi5_xml(), "../au/index.html": "x"})
    assert "points outside the package" in refusal(data)


@pytest.mark.django_db
def test_it_stores_a_cmi5_course_as_a_package(cast):
    course = catalog.create_course(title="Fire", by=cast.instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="M"), title="L", kind_name="package"
    )
    package = upload(lesson, cmi5(), cast.instructor)
    assert package.standard == "cmi5"
    assert package.structure["scos"][0]["id"] == AU1
    assert default_storage.exists(f"{package.folder}/au/index.html")
    bare = upload(
        lesson,
        cmi5_xml(au_xml(url="https://aus.example.com/")).encode(),
        cast.instructor,
        name="cmi5.xml",
    )
    assert bare.file_count == 0
    lesson.refresh_from_db()
    assert lesson.content["package"] == str(bare.key)


@pytest.mark.django_db
def test_a_refused_course_structure_stores_nothing(cast):
    course = catalog.create_course(title="Fire", by=cast.instructor)
    lesson = catalog.add_lesson(
        catalog.add_module(course, title="M"), title="L", kind_name="package"
    )
    with pytest.raises(PackageRefused):
        upload(lesson, cmi5(cmi5_xml(au_xml("intro"))), cast.instructor)
    assert not Package.objects.exists()
    lesson.refresh_from_db()
    assert "package" not in lesson.content
