"""IMS QTI 2.1 import: items, packages, unsupported interactions and bad files."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lectio.assessments import grading
from lectio.assessments.formats import FileProblem, Item, qti
from lectio.assessments.imports import _validate
from lectio.assessments.models import Category, Question, QuestionImport
from tests.helpers import client_for

QTI = Path(__file__).parent / "files" / "qti"


def read(name: str) -> Item:
    [item] = qti.parse((QTI / name).read_text(encoding="utf-8"))
    _validate(item)
    return item


def make_zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def package() -> bytes:
    return make_zip(
        {
            "imsmanifest.xml": (QTI / "imsmanifest.xml").read_bytes(),
            "test.xml": b"<assessmentTest identifier='t'/>",
            "Safety/Fire/choice.xml": (QTI / "choice.xml").read_bytes(),
            "items/order.xml": (QTI / "order.xml").read_bytes(),
            "hotspot.xml": (QTI / "hotspot.xml").read_bytes(),
            "plan.png": b"\x89PNG",
        }
    )


@pytest.mark.parametrize(
    "name, qtype",
    [
        ("choice.xml", "single"),
        ("multiple.xml", "multiple"),
        ("truefalse.xml", "truefalse"),
        ("short.xml", "short"),
        ("numeric.xml", "numeric"),
        ("essay.xml", "essay"),
        ("match.xml", "matching"),
        ("associate.xml", "matching"),
        ("order.xml", "ordering"),
        ("cloze.xml", "cloze"),
    ],
)
def test_it_maps_every_shared_interaction(name, qtype):
    item = read(name)
    assert (item.type, item.status) == (qtype, "ok"), item.error


def test_choice_details():
    item = read("choice.xml")
    assert item.name == "Extinguisher"
    assert item.prompt == "<p>Which extinguisher is safe on <b>electrical</b> fires?</p>"
    assert [(c["text"], c["fraction"]) for c in item.data["choices"]] == [
        ("Water", 0.0),
        ("Carbon dioxide", 1.0),
        ("Foam", 0.0),
    ]
    assert item.data["choices"][0]["feedback"] == "Water conducts electricity."
    assert item.data["shuffle"] is True


def test_a_mapping_becomes_fractions_with_penalties():
    data = read("multiple.xml").data
    assert [c["fraction"] for c in data["choices"]] == [0.5, 0.5, -0.5]
    assert data["scoring"] == "partial"
    picked = {"choices": [data["choices"][0]["id"], data["choices"][1]["id"]]}
    assert grading.grade("multiple", data, picked).fraction == 1


def test_true_false_from_two_choices():
    data = read("truefalse.xml").data
    assert data["answer"] is False
    assert data["feedback_true"] == "Never: they must open."


def test_text_entry_short_and_numeric():
    short = read("short.xml")
    assert short.prompt == "<p>The capital of Turkey is _____.</p>"
    assert [(a["text"], a["fraction"]) for a in short.data["answers"]] == [
        ("Ankara", 1.0),
        ("Angora", 0.5),
    ]
    assert short.data["case_sensitive"] is False
    assert read("numeric.xml").data["answers"][0]["value"] == 100.0


def test_matching_and_associate_keep_distractors():
    match = read("match.xml").data
    assert [(p["prompt"], p["answer"]) for p in match["pairs"]] == [
        ("Red", "Prohibition"),
        ("Blue", "Mandatory"),
    ]
    assert match["distractors"] == ["Umbrella"]
    assert read("associate.xml").data["distractors"] == ["Helium"]


def test_order_follows_the_correct_response():
    data = read("order.xml").data
    assert [i["text"] for i in data["items"]] == [
        "Raise the alarm",
        "Leave the building",
        "Go to the assembly point",
    ]


def test_inline_interactions_become_a_cloze():
    item = read("cloze.xml")
    assert "[[COLOUR]]" in item.prompt and "[[TEMP]]" in item.prompt and "[[GAS]]" in item.prompt
    kinds = [(g["id"], g["kind"]) for g in item.data["gaps"]]
    assert kinds == [("COLOUR", "choice"), ("TEMP", "numeric"), ("GAS", "short")]


@pytest.mark.parametrize(
    "name, reason",
    [
        ("hotspot.xml", "hotspotInteraction: hotspots on an image"),
        ("upload.xml", "uploadInteraction: file upload"),
        ("template.xml", "“map_response_point” cannot be followed"),
        ("two.xml", "several interactions in one item"),
    ],
)
def test_unsupported_items_are_named_with_a_reason(name, reason):
    item = read(name)
    assert item.status == "unsupported"
    assert reason in item.unsupported


def test_an_item_without_a_key_is_an_error():
    item = read("no_answer.xml")
    assert item.status == "error"
    assert item.error.startswith("Line 2:")


@pytest.mark.parametrize(
    "name, message",
    [
        ("malformed.xml", "Line 5: the XML is not well formed"),
        ("entities.xml", "entities or a DTD"),
        ("imsmanifest.xml", "root element must be <assessmentItem>"),
    ],
)
def test_bad_xml_is_refused(name, message):
    with pytest.raises(FileProblem, match=message):
        qti.parse((QTI / name).read_text(encoding="utf-8"))


def test_a_package_lists_items_with_categories_from_folders():
    items = qti.parse(qti.pack(package()))
    for item in items:
        _validate(item)
    summary = [(i.name, i.type, i.status, i.category) for i in items]
    assert summary == [
        ("test.xml", "assessmentTest", "unsupported", ()),
        ("Extinguisher", "single", "ok", ("Safety", "Fire")),
        ("Evacuation", "ordering", "ok", ()),
        ("Find the exit", "hotspotInteraction", "unsupported", ()),
    ]


def test_a_broken_item_in_a_package_names_its_file():
    manifest = (QTI / "imsmanifest.xml").read_bytes()
    members = {
        "imsmanifest.xml": manifest,
        "Safety/Fire/choice.xml": (QTI / "malformed.xml").read_bytes(),
        "items/order.xml": (QTI / "order.xml").read_bytes(),
    }
    items = qti.parse(qti.pack(make_zip(members)))
    errors = {i.name: i.error for i in items if i.status == "error"}
    assert errors["Safety/Fire/choice.xml"].startswith("Safety/Fire/choice.xml, line 5:")
    assert "hotspot.xml is not in the package" in errors["hotspot.xml"]


@pytest.mark.parametrize(
    "members, message",
    [
        ({"item.xml": b"<assessmentItem/>"}, "no imsmanifest.xml"),
        ({"pkg/imsmanifest.xml": b"<manifest/>"}, "must be at the root of the zip"),
        ({"imsmanifest.xml": b"<manifest/>", "../evil.xml": b"x"}, "outside itself"),
        ({"imsmanifest.xml": b"<manifest/>", "/etc/evil": b"x"}, "outside itself"),
        ({"imsmanifest.xml": b"<manifest/>", "bomb.xml": b"\0" * 5_000_000}, "zip bomb"),
        ({"imsmanifest.xml": b"<resources/>"}, "root element must be <manifest>"),
        ({"imsmanifest.xml": b"<manifest><oops></manifest>"}, "imsmanifest.xml, line 1"),
    ],
)
def test_bad_packages_are_refused(members, message):
    with pytest.raises(FileProblem, match=message):
        qti.parse(qti.pack(make_zip(members)))


def test_a_broken_zip_is_refused():
    with pytest.raises(FileProblem, match="not a valid zip"):
        qti.parse(qti.pack(b"PK\x03\x04 truncated"))


def test_a_text_file_posing_as_a_package_is_refused():
    with pytest.raises(FileProblem, match="not a valid zip"):
        qti.parse(qti.ZIP_PREFIX + "not base64!")


def test_too_many_files_are_refused(monkeypatch):
    monkeypatch.setattr(qti, "MAX_MEMBERS", 2)
    with pytest.raises(FileProblem, match="more than 2 files"):
        qti.parse(qti.pack(package()))


# ---- Through the pages --------------------------------------------------------------------


def post(client, name: str, data: bytes):
    return client.post(
        reverse("assessments:import"),
        {"format": "qti", "file": SimpleUploadedFile(name, data)},
    )


def test_a_package_imports_through_the_preview(cast):
    client = client_for(cast.instructor)
    response = post(client, "export.zip", package())
    batch = QuestionImport.objects.get()
    assert batch.format == "qti"
    preview = client.get(response.url)
    text = preview.content.decode()
    assert "hotspots on an image have no Lectio type" in text
    assert Question.objects.count() == 0
    client.post(reverse("assessments:import_preview", args=[batch.pk]))
    assert Question.objects.count() == 2
    assert Category.objects.get(name="Fire").parent.name == "Safety"


def test_a_single_item_imports(cast):
    client = client_for(cast.instructor)
    response = post(client, "match.xml", (QTI / "match.xml").read_bytes())
    client.post(response.url)
    assert Question.objects.get().current_version.type == "matching"


def test_a_bad_package_stores_nothing(cast):
    client = client_for(cast.instructor)
    response = post(client, "bad.zip", make_zip({"x/imsmanifest.xml": b"<manifest/>"}))
    text = client.get(response.url).content.decode()
    assert "must be at the root of the zip" in text
    assert client.post(response.url).status_code == 200
    assert Question.objects.count() == 0
