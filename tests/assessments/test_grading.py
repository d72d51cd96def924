"""Grading, per type: pure functions, exhaustively and with hypothesis."""

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lectio.assessments import grading
from lectio.assessments.qtypes import MODULES, QuestionDataError
from tests.assessments.data import RAW, prompt

TYPES = sorted(MODULES)


def cleaned(type_name: str) -> dict:
    return grading.clean(type_name, RAW[type_name], prompt=prompt(type_name))


@pytest.mark.parametrize("type_name", TYPES)
def test_it_has_valid_example_data_for_every_type(type_name):
    data = cleaned(type_name)
    # Cleaning is idempotent: stored data passes again unchanged.
    assert grading.clean(type_name, data, prompt=prompt(type_name)) == data


@pytest.mark.parametrize("type_name", [t for t in TYPES if t != "essay"])
def test_the_correct_response_scores_one(type_name):
    data = cleaned(type_name)
    result = grading.grade(type_name, data, grading.correct_response(type_name, data))
    assert result.fraction == 1.0


def test_essays_wait_for_a_person():
    assert grading.grade("essay", cleaned("essay"), {"text": "My essay"}).fraction is None


@pytest.mark.parametrize("type_name", TYPES)
@pytest.mark.parametrize(
    "response", [None, {}, [], "x", 3, {"choice": None}, {"text": 5}, {"choices": "c1"}]
)
def test_malformed_responses_score_nothing_and_never_raise(type_name, response):
    result = grading.grade(type_name, cleaned(type_name), response)
    assert result.fraction in (0.0, None)


@pytest.mark.parametrize("type_name", TYPES)
def test_the_response_shape_is_declared(type_name):
    assert grading.responses_shape(type_name)


# ---- Single choice ----------------------------------------------------------------------


def test_single_choice_scores_the_picked_choice_and_never_below_zero():
    data = cleaned("single")
    ids = [c["id"] for c in data["choices"]]
    assert [grading.grade("single", data, {"choice": i}).fraction for i in ids] == [1.0, 0.0, 0.0]
    assert grading.grade("single", data, {"choice": ids[1]}).feedback == (ids[1],)
    assert grading.grade("single", data, {"choice": "nope"}).fraction == 0.0


def test_single_choice_needs_a_fully_correct_choice():
    with pytest.raises(QuestionDataError) as error:
        grading.clean("single", {"choices": [{"text": "A", "fraction": 0.5}, {"text": "B"}]})
    assert error.value.problems == ["No choice is fully correct: one choice must be worth 100%."]


def test_single_choice_needs_two_choices_with_text():
    with pytest.raises(QuestionDataError) as error:
        grading.clean("single", {"choices": [{"text": "", "fraction": 1}]})
    assert "Give at least two choices." in error.value.problems
    assert "Choice 1 has no text." in error.value.problems


def test_single_choice_rejects_fractions_out_of_range():
    with pytest.raises(QuestionDataError) as error:
        grading.clean(
            "single", {"choices": [{"text": "A", "fraction": 1}, {"text": "B", "fraction": 2}]}
        )
    assert error.value.problems == ["Choice 2: the fraction must be a number from -1 to 1 (100%)."]


# ---- Multiple response ------------------------------------------------------------------


def test_multiple_response_gives_partial_credit_with_penalties_never_below_zero():
    data = cleaned("multiple")
    gloves, goggles, sandals, shorts = (c["id"] for c in data["choices"])

    def score(*picked):
        return grading.grade("multiple", data, {"choices": list(picked)}).fraction

    assert score(gloves, goggles) == 1.0
    assert score(gloves) == 0.5
    assert score(gloves, sandals) == 0.0
    assert score(gloves, goggles, sandals) == 0.5
    assert score(sandals, shorts) == 0.0
    assert score() == 0.0
    assert score(gloves, gloves) == 0.5  # picking twice counts once


def test_multiple_response_all_or_nothing():
    data = grading.clean("multiple", {**RAW["multiple"], "scoring": "all_or_nothing"})
    gloves, goggles, sandals, _shorts = (c["id"] for c in data["choices"])
    assert grading.grade("multiple", data, {"choices": [gloves, goggles]}).fraction == 1.0
    assert grading.grade("multiple", data, {"choices": [gloves]}).fraction == 0.0
    assert grading.grade("multiple", data, {"choices": [gloves, goggles, sandals]}).fraction == 0.0


def test_multiple_response_partial_fractions_must_add_up():
    raw = {"choices": [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0.3}]}
    with pytest.raises(QuestionDataError) as error:
        grading.clean("multiple", raw)
    assert error.value.problems == ["The correct choices add up to 80%; they must add up to 100%."]


@settings(max_examples=60, deadline=None)
@given(picked=st.lists(st.integers(0, 3), unique=True), extra=st.integers(0, 3), seed=st.integers())
def test_multiple_response_is_monotone_and_bounded(picked, extra, seed):
    data = cleaned("multiple")
    ids = [c["id"] for c in data["choices"]]
    chosen = [ids[i] for i in picked]
    base = grading.grade("multiple", data, {"choices": chosen}).fraction
    assert 0.0 <= base <= 1.0
    # Adding a correct choice never lowers the score; a wrong one never raises it.
    with_extra = grading.grade("multiple", data, {"choices": [*chosen, ids[extra]]}).fraction
    if data["choices"][extra]["fraction"] > 0:
        assert with_extra >= base
    else:
        assert with_extra <= base
    # The order of the picks does not matter.
    random.Random(seed).shuffle(chosen)
    assert grading.grade("multiple", data, {"choices": chosen}).fraction == base


# ---- True/false -------------------------------------------------------------------------


def test_true_false():
    data = cleaned("truefalse")
    assert grading.grade("truefalse", data, {"value": False}).fraction == 1.0
    assert grading.grade("truefalse", data, {"value": True}).fraction == 0.0
    assert grading.grade("truefalse", data, {"value": True}).feedback == ("true",)
    assert grading.grade("truefalse", data, {"value": "false"}).fraction == 0.0


def test_true_false_needs_an_answer():
    with pytest.raises(QuestionDataError) as error:
        grading.clean("truefalse", {"answer": "yes"})
    assert error.value.problems == ["Say whether the statement is true or false."]


# ---- Short answer -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [
        ("Ankara", 1.0),
        ("  ankara ", 1.0),
        ("ANKARA", 1.0),
        ("Istanbul", 0.0),
        ("Ankaraa", 0.5),  # the wildcard answer
        ("Ank", 0.5),
        ("Izmir", 0.0),
        ("", 0.0),
    ],
)
def test_short_answer(typed, fraction):
    assert grading.grade("short", cleaned("short"), {"text": typed}).fraction == fraction


def test_short_answer_case_sensitive_whitespace_and_literal_star():
    data = grading.clean(
        "short",
        {
            "answers": [{"text": "New  York", "fraction": 1}, {"text": "A\\*B", "fraction": 1}],
            "case_sensitive": True,
        },
    )
    assert grading.grade("short", data, {"text": "New York"}).fraction == 1.0
    assert grading.grade("short", data, {"text": " New\tYork "}).fraction == 1.0
    assert grading.grade("short", data, {"text": "new york"}).fraction == 0.0
    assert grading.grade("short", data, {"text": "A*B"}).fraction == 1.0
    assert grading.grade("short", data, {"text": "AxB"}).fraction == 0.0


def test_short_answer_first_match_counts_and_gives_its_feedback():
    data = cleaned("short")
    result = grading.grade("short", data, {"text": "istanbul"})
    assert result.fraction == 0.0
    assert result.feedback == (data["answers"][1]["id"],)


def test_short_answer_needs_a_fully_correct_answer():
    with pytest.raises(QuestionDataError) as error:
        grading.clean(
            "short", {"answers": [{"text": "x", "fraction": 0.5}, {"text": "", "fraction": 0.5}]}
        )
    assert error.value.problems == [
        "Answer 2 is empty.",
        "No answer is fully correct: one must be worth 100%.",
    ]


# ---- Numeric ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [
        ("100", 1.0),
        ("100.4", 1.0),
        ("99,6", 1.0),
        ("103", 0.5),
        ("106", 0.0),
        ("100 cm", 1.0),
        ("1 m", 1.0),
        ("1.03 m", 0.5),
        ("1e2", 1.0),
        ("100 km", 0.0),
        ("hundred", 0.0),
        ("nan", 0.0),
        ("inf", 0.0),
    ],
)
def test_numeric(typed, fraction):
    assert grading.grade("numeric", cleaned("numeric"), {"text": typed}).fraction == fraction


def test_numeric_unit_required():
    data = grading.clean("numeric", {**RAW["numeric"], "unit_required": True})
    assert grading.grade("numeric", data, {"text": "100"}).fraction == 0.0
    assert grading.grade("numeric", data, {"text": "100cm"}).fraction == 1.0


def test_numeric_exact_value_with_float_noise():
    data = grading.clean("numeric", {"answers": [{"value": 0.3, "tolerance": 0}]})
    assert grading.grade("numeric", data, {"text": str(0.1 + 0.2)}).fraction == 1.0


def test_numeric_validation_is_specific():
    with pytest.raises(QuestionDataError) as error:
        grading.clean(
            "numeric",
            {
                "answers": [{"value": "x", "tolerance": -1}],
                "units": [{"unit": "m", "multiplier": 0}],
            },
        )
    assert error.value.problems == [
        "Answer 1: the value is not a number.",
        "Answer 1: the tolerance must be a number of 0 or more.",
        "Unit “m”: the multiplier must be a number above 0.",
    ]


# ---- Matching ---------------------------------------------------------------------------


def test_matching_scores_each_pair():
    data = cleaned("matching")
    fire, cut, fall = (p["id"] for p in data["pairs"])
    result = grading.grade(
        "matching", data, {"matches": {fire: "Extinguisher", cut: "Harness", fall: "Umbrella"}}
    )
    assert result.fraction == pytest.approx(1 / 3, abs=1e-6)
    assert result.parts == {fire: 1.0, cut: 0.0, fall: 0.0}


def test_matching_rejects_a_distractor_that_is_an_answer():
    with pytest.raises(QuestionDataError) as error:
        grading.clean("matching", {**RAW["matching"], "distractors": ["Bandage"]})
    assert error.value.problems == ["The distractor “Bandage” is also an answer or listed twice."]


# ---- Ordering ---------------------------------------------------------------------------


def test_ordering_partial_and_all_or_nothing():
    data = cleaned("ordering")
    a, b, c, d = (i["id"] for i in data["items"])
    assert grading.grade("ordering", data, {"order": [a, b, c, d]}).fraction == 1.0
    assert grading.grade("ordering", data, {"order": [b, c, d, a]}).fraction == pytest.approx(
        2 / 3, abs=1e-6
    )
    assert grading.grade("ordering", data, {"order": [d, c, b, a]}).fraction == 0.0
    assert grading.grade("ordering", data, {"order": [a, b, c]}).fraction == 0.0  # not all items
    assert grading.grade("ordering", data, {"order": [a, a, c, d]}).fraction == 0.0
    strict = {**data, "scoring": "all_or_nothing"}
    assert grading.grade("ordering", strict, {"order": [b, c, d, a]}).fraction == 0.0


def test_ordering_ids_do_not_reveal_the_order():
    data = cleaned("ordering")
    ids = [i["id"] for i in data["items"]]
    assert all(len(i) == 8 for i in ids)
    assert len(set(ids)) == 4


# ---- Cloze ------------------------------------------------------------------------------


def test_cloze_weights_the_gaps():
    data = cleaned("cloze")
    state_liquid = data["gaps"][3]["choices"][0]["id"]
    full = {"temp": "100", "freeze": "0", "formula": "H2O", "state": state_liquid}
    assert grading.grade("cloze", data, {"gaps": full}).fraction == 1.0
    result = grading.grade("cloze", data, {"gaps": {**full, "temp": "90", "formula": "h2o"}})
    assert result.fraction == pytest.approx(2 / 5, abs=1e-6)
    assert result.parts == {"temp": 0.0, "freeze": 1.0, "formula": 0.0, "state": 1.0}
    assert f"state:{state_liquid}" in result.feedback


def test_cloze_gaps_must_match_the_text():
    with pytest.raises(QuestionDataError) as error:
        grading.clean("cloze", RAW["cloze"], prompt="<p>[[temp]] [[temp]] [[other]]</p>")
    assert error.value.problems == [
        "Gap formula is not in the text: mark its place with [[formula]].",
        "Gap freeze is not in the text: mark its place with [[freeze]].",
        "Gap state is not in the text: mark its place with [[state]].",
        "The text marks a gap [[other]] that is not defined.",
        "The gap [[temp]] is marked more than once.",
    ]


def test_cloze_gap_problems_name_the_gap():
    raw = {
        "gaps": [
            {"id": "g", "kind": "dropdown"},
            {"id": "h", "kind": "short", "weight": 0, "answers": []},
        ]
    }
    with pytest.raises(QuestionDataError) as error:
        grading.clean("cloze", raw, prompt="[[g]] [[h]]")
    assert error.value.problems == [
        "Gap g: the kind “dropdown” is unknown: use short, numeric or choice.",
        "Gap h: the weight must be a number above 0.",
        "Gap h: Give at least one accepted answer.",
    ]


# ---- Properties for every type ----------------------------------------------------------


responses = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=40, deadline=None)
@given(response=responses, type_index=st.integers(0, len(TYPES) - 1))
def test_any_response_scores_within_zero_and_one(response, type_index):
    type_name = TYPES[type_index]
    data = cleaned(type_name)
    for shaped in (response, dict.fromkeys(grading.responses_shape(type_name), response)):
        fraction = grading.grade(type_name, data, shaped).fraction
        assert fraction is None if type_name == "essay" else 0.0 <= fraction <= 1.0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(), type_index=st.integers(0, len(TYPES) - 1))
def test_shuffling_choices_never_changes_a_score(seed, type_index):
    """Reordering the choices, pairs or answers shown never changes the grade of a
    response (ordering items are the exception: their order is the answer)."""
    type_name = TYPES[type_index]
    data = cleaned(type_name)
    shuffled = json.loads(json.dumps(data))
    rng = random.Random(seed)
    for key in ("choices", "pairs"):
        if key in shuffled:
            rng.shuffle(shuffled[key])
    rng.shuffle(shuffled.get("distractors", []))
    for gap in shuffled.get("gaps", []):
        rng.shuffle(gap.get("choices", []))
    samples = [grading.correct_response(type_name, data)]
    if "choices" in data:
        ids = [c["id"] for c in data["choices"]]
        samples += [{"choice": i} for i in ids] + [
            {"choices": rng.sample(ids, k)} for k in range(len(ids) + 1)
        ]
    for response in samples:
        assert grading.grade(type_name, shuffled, response) == grading.grade(
            type_name, data, response
        )


# ---- What the browser may see -----------------------------------------------------------

SECRET_KEYS = {
    "fraction",
    "feedback",
    "answer",
    "answers",
    "rubric",
    "tolerance",
    "value",
    "feedback_true",
    "feedback_false",
}


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _strings(value) -> set[str]:
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return {value} if isinstance(value, str) else set()


@pytest.mark.parametrize("type_name", TYPES)
def test_public_view_keeps_no_secret(type_name):
    data = cleaned(type_name)
    view = grading.public_view(type_name, data)
    assert not _keys(view) & SECRET_KEYS
    dumped = json.dumps(view)
    for secret in (
        "Right",
        "Yes.",
        "Never ignore",
        "Not at 20",
        "Names two hazards",
        "H2O",
        "Ankara",
    ):
        assert secret not in dumped
    # The order of what is shown says nothing about the answer.
    if type_name == "ordering":
        assert [i["id"] for i in view["items"]] == sorted(i["id"] for i in data["items"])
    if type_name == "matching":
        assert view["options"] == sorted(view["options"], key=str.casefold)
    assert grading.public_view(type_name, data) == view


def test_unknown_type_is_an_error():
    with pytest.raises(QuestionDataError):
        grading.clean("hotspot", {})


# ---- Generated questions ----------------------------------------------------------------


@st.composite
def multiple_response(draw):
    right = draw(st.integers(1, 4))
    wrong = draw(st.integers(0, 4))
    penalties = draw(
        st.lists(st.sampled_from([0, -0.25, -0.5, -1]), min_size=wrong, max_size=wrong)
    )
    choices = [{"text": f"right {i}", "fraction": round(1 / right, 5)} for i in range(right)]
    choices += [{"text": f"wrong {i}", "fraction": p} for i, p in enumerate(penalties)]
    if len(choices) < 2:
        choices.append({"text": "wrong extra", "fraction": 0})
    scoring = draw(st.sampled_from(["partial", "all_or_nothing"]))
    return grading.clean("multiple", {"choices": choices, "scoring": scoring})


@settings(max_examples=80, deadline=None)
@given(data=multiple_response(), picks=st.lists(st.integers(0, 8), max_size=9), seed=st.integers())
def test_generated_multiple_response(data, picks, seed):
    ids = [c["id"] for c in data["choices"]]
    assert (
        grading.grade("multiple", data, grading.correct_response("multiple", data)).fraction == 1.0
    )
    chosen = sorted({ids[i % len(ids)] for i in picks})
    score = grading.grade("multiple", data, {"choices": chosen}).fraction
    assert 0.0 <= score <= 1.0
    shuffled = {**data, "choices": random.Random(seed).sample(data["choices"], len(ids))}
    assert grading.grade("multiple", shuffled, {"choices": chosen}).fraction == score
    if data["scoring"] == "partial":
        correct = {c["id"] for c in data["choices"] if c["fraction"] > 0}
        more = sorted(set(chosen) | correct)
        fewer_wrong = sorted(set(chosen) & correct)
        assert grading.grade("multiple", data, {"choices": more}).fraction >= score
        assert grading.grade("multiple", data, {"choices": fewer_wrong}).fraction >= score


@settings(max_examples=60, deadline=None)
@given(right=st.sets(st.integers(0, 2)), extra=st.integers(0, 2))
def test_matching_is_monotone(right, extra):
    data = cleaned("matching")
    pairs = data["pairs"]
    matches = {p["id"]: (p["answer"] if i in right else "Umbrella") for i, p in enumerate(pairs)}
    score = grading.grade("matching", data, {"matches": matches}).fraction
    assert score == pytest.approx(len(right) / 3, abs=1e-6)
    better = {**matches, pairs[extra]["id"]: pairs[extra]["answer"]}
    assert grading.grade("matching", data, {"matches": better}).fraction >= score


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(st.text(alphabet="abcAB *", min_size=1, max_size=6), min_size=1, max_size=4),
    typed=st.text(alphabet="abcABxyz *\t", max_size=8),
)
def test_generated_short_answers(answers, typed):
    raw = [{"text": a, "fraction": 1 if i == 0 else 0.5} for i, a in enumerate(answers)]
    try:
        data = grading.clean("short", {"answers": raw})
    except QuestionDataError:
        return  # an answer of only spaces: rejected, as it should be
    fraction = grading.grade("short", data, {"text": typed}).fraction
    assert fraction in (0.0, 0.5, 1.0)
    assert grading.grade("short", data, grading.correct_response("short", data)).fraction == 1.0
    # Case and surrounding whitespace never matter when the question is not case-sensitive.
    assert (
        grading.grade("short", data, {"text": f"  {typed.swapcase()} "}).fraction == fraction
        or not typed.strip()
    )


@settings(max_examples=60, deadline=None)
@given(value=st.floats(-1e6, 1e6), tolerance=st.floats(0, 100), offset=st.floats(-200, 200))
def test_generated_numeric(value, tolerance, offset):
    data = grading.clean("numeric", {"answers": [{"value": value, "tolerance": tolerance}]})
    assert grading.grade("numeric", data, grading.correct_response("numeric", data)).fraction == 1.0
    typed = repr(value + offset)
    expected = 1.0 if abs(offset) <= tolerance else 0.0
    # Away from the boundary, where the float sum value + offset is exact enough.
    if abs(abs(offset) - tolerance) > 1e-6 * max(1.0, abs(value)):
        assert grading.grade("numeric", data, {"text": typed}).fraction == expected
