"""Reading and writing GIFT, Moodle XML and Aiken (no database)."""

from pathlib import Path

import pytest

from lectio.assessments import grading
from lectio.assessments.formats import FileProblem, Item, aiken, gift, moodle_xml
from lectio.assessments.imports import _validate
from lectio.assessments.rich_text import placeholder_url

FILES = Path(__file__).parent / "files"


def read(name: str) -> str:
    return (FILES / name).read_text(encoding="utf-8")


def by_name(items: list[Item]) -> dict[str, Item]:
    for item in items:
        _validate(item)
    return {item.name: item for item in items}


# ---- GIFT -------------------------------------------------------------------------------


def test_gift_reads_every_type():
    items = by_name(gift.parse(read("all_types.gift")))
    assert {name: item.type for name, item in items.items()} == {
        "Extinguisher": "single",
        "PPE": "multiple",
        "Exits": "truefalse",
        "Capital": "short",
        "Boiling": "numeric",
        "Range": "numeric",
        "Matching": "matching",
        "Missing word": "cloze",
        "Typed gap": "cloze",
        "Report": "essay",
        "Escapes": "single",
    }
    assert all(item.status == "ok" for item in items.values()), [i.error for i in items.values()]


def test_gift_details():
    items = by_name(gift.parse(read("all_types.gift")))
    extinguisher = items["Extinguisher"]
    assert extinguisher.category == ("Safety", "Fire")
    assert extinguisher.tags == ["fire", "basics"]
    assert extinguisher.line == 6
    assert extinguisher.general_feedback == "<p>CO2 extinguishers have a black label.</p>"
    assert [(c["text"], c["fraction"]) for c in extinguisher.data["choices"]] == [
        ("<p>Carbon dioxide</p>", 1.0),
        ("<p>Water</p>", 0.0),
        ("<p>Foam</p>", -0.5),
    ]
    assert extinguisher.data["choices"][1]["feedback"] == "<p>Water conducts electricity.</p>"
    exits = items["Exits"].data
    assert exits["answer"] is False
    assert exits["feedback_false"] == "<p>Right: they must always open.</p>"
    assert exits["feedback_true"] == "<p>Never: they must open.</p>"
    assert items["Capital"].category == ("Safety", "General")
    assert [a["fraction"] for a in items["Capital"].data["answers"]] == [1.0, 0.0, 0.5]
    assert items["Range"].data["answers"][0]["value"] == 3.0
    assert items["Range"].data["answers"][0]["tolerance"] == 2.0
    assert items["Matching"].data["distractors"] == ["Umbrella"]
    missing = items["Missing word"]
    assert missing.prompt == "<p>Water boils at [[1]] degrees Celsius.</p>"
    assert missing.data["gaps"][0]["kind"] == "choice"
    assert items["Typed gap"].data["gaps"][0]["kind"] == "short"
    assert items["Report"].prompt == "<p>Describe a near miss you have seen {and what you did}.</p>"
    escapes = items["Escapes"]
    assert escapes.prompt == "<p>Which of these is written 1=1: a ~ tilde?</p>"
    assert escapes.data["choices"][0]["text"] == "<p>a # hash</p>"


def test_gift_errors_carry_their_line():
    items = gift.parse(read("bad.gift"))
    for item in items:
        _validate(item)
    assert [(i.line, i.status) for i in items] == [
        (2, "ok"),
        (4, "error"),
        (6, "error"),
        (8, "error"),
        (10, "unsupported"),
    ]
    assert items[1].error == "Line 4: The answer block is not closed: a “}” is missing."
    assert (
        items[2].error
        == (
            "Line 6: The correct choices add up to 0%; they must add up to 100%. "
            "No choice is correct: give at least one choice a positive fraction."
        )
        or "Line 6:" in items[2].error
    )
    assert items[3].error == (
        "Line 8: “lots” is not a number, a number:tolerance or a low..high range."
    )
    assert (
        items[4].unsupported == "A text without an answer block is a description, not a question."
    )


# ---- Moodle XML -------------------------------------------------------------------------


def test_moodle_xml_reads_every_type():
    items = by_name(moodle_xml.parse(read("all_types.xml")))
    assert {name: item.type for name, item in items.items()} == {
        "Extinguisher": "single",
        "PPE": "multiple",
        "PPE strict": "multiple",
        "Exits": "truefalse",
        "Capital": "short",
        "Height": "numeric",
        "Matching": "matching",
        "Evacuation": "ordering",
        "Water": "cloze",
        "Report": "essay",
    }
    assert all(item.status == "ok" for item in items.values()), [i.error for i in items.values()]
    assert items["Extinguisher"].line == 7
    assert items["Extinguisher"].default_mark == 2
    assert items["Extinguisher"].tags == ["fire", "basics"]
    assert items["Extinguisher"].category == ("Safety", "Fire")
    assert items["PPE strict"].data["scoring"] == "all_or_nothing"
    assert items["Exits"].prompt == "<p>Fire exits may be locked during working hours.</p>"
    height = items["Height"].data
    assert height["unit_required"] is True
    assert [u["unit"] for u in height["units"]] == ["cm", "m"]
    assert grading.grade("numeric", height, {"text": "2 m"}).fraction == 1.0
    water = items["Water"]
    assert water.prompt.count("[[") == 3
    gaps = water.data["gaps"]
    assert [(g["kind"], g["weight"]) for g in gaps] == [("numeric", 2), ("short", 1), ("choice", 1)]
    assert gaps[1]["case_sensitive"] is True
    assert [a["text"] for a in gaps[1]["answers"]] == ["H2O", "H~2O"]
    assert gaps[2]["choices"][1]["feedback"] == "Not at 20 / 25 °C"
    assert items["Report"].data == {
        "rubric": "Names the hazard, the cause and one control.",
        "min_words": 50,
    }
    assert [i["text"] for i in items["Evacuation"].data["items"]] == [
        "Raise the alarm",
        "Leave the building",
        "Go to the assembly point",
    ]


def test_moodle_xml_lists_unsupported_types_and_features_by_name():
    items = moodle_xml.parse(read("unsupported.xml"))
    assert [(i.type, i.status) for i in items] == [
        ("description", "unsupported"),
        ("calculated", "unsupported"),
        ("ddwtos", "unsupported"),
        ("single", "ok"),
    ]
    assert items[0].unsupported == "a description is text between questions, not a question"
    assert items[1].unsupported == (
        "calculated questions (formulas with wildcards) have no Lectio type"
    )
    assert items[2].unsupported == "drag and drop into text has no Lectio type"
    assert items[3].warnings == ["Hints left out: Lectio has no hints yet."]
    # The embedded picture is carried, the text pointing at its placeholder until stored.
    assert list(items[3].images) == ["sign.png"]
    assert items[3].images["sign.png"].startswith(b"\x89PNG")
    assert f'<img src="{placeholder_url("sign.png")}">' in items[3].prompt


def test_moodle_xml_errors_carry_their_line():
    items = moodle_xml.parse(read("bad.xml"))
    for item in items:
        _validate(item)
    assert items[0].error == ("Line 3: No choice is fully correct: one choice must be worth 100%.")
    assert items[1].error == ("Line 9: a true/false question needs the answers “true” and “false”.")


def test_malformed_xml_names_the_line():
    with pytest.raises(FileProblem) as error:
        moodle_xml.parse(read("malformed.xml"))
    assert str(error.value).startswith("Line 4: the XML is not well formed (mismatched tag")


def test_xml_entities_are_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;">]><quiz>&b;</quiz>'
    )
    with pytest.raises(FileProblem) as error:
        moodle_xml.parse(bomb)
    assert str(error.value) == "The file uses XML entities or a DTD, which are not allowed."


def test_xml_must_be_a_moodle_quiz():
    with pytest.raises(FileProblem):
        moodle_xml.parse("<?xml version='1.0'?><html></html>")


# ---- Aiken ------------------------------------------------------------------------------


def test_aiken():
    items = aiken.parse(read("questions.aiken.txt"))
    for item in items:
        _validate(item)
    assert [i.status for i in items] == ["ok", "ok"]
    first = items[0]
    assert first.prompt == "<p>Which extinguisher is safe on electrical fires?</p>"
    assert [(c["text"], c["fraction"]) for c in first.data["choices"]] == [
        ("<p>Water</p>", 0),
        ("<p>Carbon dioxide</p>", 1),
        ("<p>Foam</p>", 0),
    ]


def test_aiken_errors_carry_their_line():
    items = aiken.parse(read("bad.aiken.txt"))
    assert [i.error for i in items] == [
        "Line 4: the answer “D” is not one of the options (A, B).",
        "Line 6: a question needs at least two options.",
        "Line 10: the question has no ANSWER line.",
    ]


# ---- Writing and reading back -----------------------------------------------------------


def _comparable(item: Item) -> tuple:
    data = dict(item.data)
    if item.type == "ordering":  # item ids are random by design; the order is what counts
        data["items"] = [i["text"] for i in data["items"]]
    return (
        item.type,
        item.name,
        item.prompt,
        data,
        item.general_feedback,
        item.category,
        item.tags,
        item.default_mark,
    )


@pytest.mark.parametrize(
    ("source", "parse", "writer"),
    [
        ("all_types.gift", gift.parse, moodle_xml.write),
        ("all_types.xml", moodle_xml.parse, moodle_xml.write),
        ("all_types.gift", gift.parse, gift.write),
    ],
)
def test_round_trip_keeps_every_question(source, parse, writer):
    first = list(parse(read(source)))
    for item in first:
        _validate(item)
    assert all(i.status == "ok" for i in first)
    exported = writer(first)
    assert exported.count == len(first)
    again = (moodle_xml.parse if writer is moodle_xml.write else gift.parse)(exported.text)
    for item in again:
        _validate(item)
    assert [i.error for i in again if i.error] == []
    assert [_comparable(i) for i in again] == [_comparable(i) for i in first]


def test_gift_export_says_what_it_cannot_carry():
    items = moodle_xml.parse(read("all_types.xml"))
    for item in items:
        _validate(item)
    exported = gift.write(items)
    assert exported.warnings == [
        "Extinguisher: GIFT cannot carry the default mark.",
        "PPE strict: GIFT cannot carry all-or-nothing scoring became partial credit.",
        "Height: GIFT cannot carry units.",
        "Evacuation: left out (GIFT has no ordering questions).",
        "Water: left out (GIFT has only one gap per question).",
        "Report: GIFT cannot carry the grading rubric, the minimum number of words, "
        "the default mark.",
    ]
    again = gift.parse(exported.text)
    assert len(again) == len(items) - 2


def test_gift_escapes_survive_a_round_trip():
    item = Item(
        type="short",
        name="Back\\slash {x}",
        prompt="<p>Type A*B with a literal star: a \\ b ~ c = d # e : f</p>",
        data={"answers": [{"text": "A\\*B", "fraction": 1}]},
    )
    _validate(item)
    again = gift.parse(gift.write([item]).text)
    _validate(again[0])
    assert again[0].error == ""
    assert (again[0].name, again[0].prompt) == (item.name, item.prompt)
    assert again[0].data == item.data
    assert grading.grade("short", again[0].data, {"text": "A*B"}).fraction == 1.0


def test_html_that_sanitising_removes_is_listed():
    items = gift.parse(
        '[html]<p>Which sign?<img src="x.png"><script>x()</script></p>{=Exit ~Entry}'
    )
    _validate(items[0])
    assert items[0].warnings == [
        "HTML left out of the text: <script> (not allowed in questions).",
        "Pictures left out (not in the file): x.png.",
    ]


def test_a_dtd_is_refused():
    with pytest.raises(FileProblem) as error:
        moodle_xml.parse('<?xml version="1.0"?><!DOCTYPE quiz><quiz></quiz>')
    assert str(error.value) == "The file uses XML entities or a DTD, which are not allowed."


@pytest.mark.parametrize("writer", [gift.write, moodle_xml.write])
def test_exports_say_translations_are_not_carried(writer):
    item = Item(
        type="truefalse",
        name="Exits",
        prompt="<p>Locked?</p>",
        data={"answer": False, "feedback_true": "", "feedback_false": ""},
        translations={"tr": {"prompt": "<p>Kilitli mi?</p>", "feedback": "", "texts": {}}},
    )
    assert "translations" in writer([item]).warnings[0]


def test_gift_single_short_answer_without_its_equals_sign():
    items = gift.parse("What is 6 plus 2? {eight#Right.}")
    _validate(items[0])
    assert items[0].type == "short"
    assert items[0].data["answers"][0]["text"] == "eight"
    assert items[0].data["answers"][0]["feedback"] == "<p>Right.</p>"
