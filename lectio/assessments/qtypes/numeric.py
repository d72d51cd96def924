"""Numeric: a number within a tolerance of an accepted value, optionally with units.

Accepted values are in the base unit. A unit's multiplier says how many of it make one
base unit (base cm: "m" has multiplier 0.01), so a response in that unit is divided by
it. The first accepted answer within its tolerance counts."""

import re
from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes._common import (
    Data,
    Problems,
    Result,
    as_dict,
    as_list,
    fraction_of,
    html,
    item_id,
    number,
    text,
)

RESPONSE_SHAPE = {"text": "the number typed, optionally followed by a unit (e.g. “1.5 m”)"}
_NUMBER = re.compile(r"\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*")


def clean_answers(value: Any, problems: Problems, where: str = "") -> list[dict[str, Any]]:
    answers = []
    taken: set[str] = set()
    raw = as_list(value)
    if not raw:
        problems.add(_("%(where)sGive at least one accepted value.") % {"where": where})
    for index, item in enumerate(raw, start=1):
        item = as_dict(item)
        label = _("%(where)sAnswer %(number)s") % {"where": where, "number": index}
        value_ = number(item.get("value"))
        tolerance = number(item.get("tolerance", 0))
        if value_ is None:
            problems.add(_("%(where)s: the value is not a number.") % {"where": label})
        if tolerance is None or tolerance < 0:
            problems.add(
                _("%(where)s: the tolerance must be a number of 0 or more.") % {"where": label}
            )
        answers.append(
            {
                "id": item_id(item.get("id"), taken, problems, label, "a"),
                "value": value_ or 0.0,
                "tolerance": abs(tolerance or 0.0),
                "fraction": fraction_of(item.get("fraction", 1), problems, label),
                "feedback": html(item.get("feedback")),
            }
        )
    if answers and not any(a["fraction"] == 1 for a in answers):
        problems.add(
            _("%(where)sNo answer is fully correct: one must be worth 100%%.") % {"where": where}
        )
    return answers


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    answers = clean_answers(data.get("answers"), problems)
    units = []
    seen: set[str] = set()
    for index, item in enumerate(as_list(data.get("units")), start=1):
        item = as_dict(item)
        unit = text(item.get("unit"))
        multiplier = number(item.get("multiplier", 1))
        if not unit:
            problems.add(_("Unit %(number)s has no name.") % {"number": index})
        elif unit in seen:
            problems.add(_("The unit “%(unit)s” is listed twice.") % {"unit": unit})
        seen.add(unit)
        if multiplier is None or multiplier <= 0:
            problems.add(
                _("Unit “%(unit)s”: the multiplier must be a number above 0.") % {"unit": unit}
            )
        units.append({"unit": unit, "multiplier": multiplier or 1.0})
    if units and not any(u["multiplier"] == 1 for u in units):
        problems.add(_("One unit must be the base unit, with multiplier 1."))
    unit_required = bool(data.get("unit_required", False))
    if unit_required and not units:
        problems.add(_("A unit is required but no units are given."))
    problems.raise_any()
    return {"answers": answers, "units": units, "unit_required": unit_required}


def parse_response(data: Data, typed: Any) -> float | None:
    """The typed response in the base unit, or None when it is not a number in a unit
    this question accepts."""
    if isinstance(typed, (int, float)) and not isinstance(typed, bool):
        typed = str(typed)
    if not isinstance(typed, str):
        return None
    match = _NUMBER.fullmatch(typed)
    if not match:
        return None
    value = number(match.group(1))
    unit = match.group(2)
    if value is None:
        return None
    units: dict[str, float] = {u["unit"]: float(u["multiplier"]) for u in data.get("units", [])}
    if unit:
        if unit not in units:
            return None
        return value / units[unit]
    if data.get("unit_required"):
        return None
    return value


def matching_answer(answers: list[dict[str, Any]], value: float) -> dict[str, Any] | None:
    for answer in answers:
        # A relative epsilon keeps 0.1 + 0.2 within a tolerance of 0 of 0.3.
        slack = answer["tolerance"] + 1e-9 * max(1.0, abs(answer["value"]))
        if abs(value - answer["value"]) <= slack:
            return answer
    return None


def grade(data: Data, response: Any) -> Result:
    value = parse_response(data, as_dict(response).get("text"))
    if value is None:
        return Result(0.0)
    answer = matching_answer(data["answers"], value)
    if answer is None:
        return Result(0.0)
    return Result(answer["fraction"], feedback=(answer["id"],))


def correct_response(data: Data) -> dict[str, Any]:
    best = max(data["answers"], key=lambda a: a["fraction"])
    return {"text": repr(best["value"])}


def public_view(data: Data) -> Data:
    # The unit names are shown so learners know what they may type; they are not secret.
    return {"units": [u["unit"] for u in data["units"]], "unit_required": data["unit_required"]}
