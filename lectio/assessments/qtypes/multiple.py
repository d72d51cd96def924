"""Multiple response: pick every correct choice.

Scoring ``partial``: each correct choice is worth its (positive) fraction, together 100%;
each wrong pick costs its (negative) fraction; the total never goes below 0 or above 1.
Scoring ``all_or_nothing``: 1 when exactly the correct choices are picked, else 0; a
choice is correct when its fraction is above 0."""

from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes._common import Data, Problems, Result, as_dict, as_list, clamp
from lectio.assessments.qtypes.single import clean_choices

RESPONSE_SHAPE = {"choices": ["the ids of the picked choices"]}
SCORINGS = ("partial", "all_or_nothing")


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    choices = clean_choices(data.get("choices"), problems, low=-1.0)
    scoring = data.get("scoring", "partial")
    if scoring not in SCORINGS:
        problems.add(
            _("Scoring “%(value)s” is unknown: use partial or all_or_nothing.") % {"value": scoring}
        )
    correct = [c for c in choices if c["fraction"] > 0]
    if choices and not correct:
        problems.add(_("No choice is correct: give at least one choice a positive fraction."))
    total = sum(c["fraction"] for c in correct)
    if scoring == "partial" and correct and abs(total - 1) > 0.01:
        problems.add(
            _("The correct choices add up to %(total)s%%; they must add up to 100%%.")
            % {"total": f"{total * 100:g}"}
        )
    problems.raise_any()
    return {"choices": choices, "scoring": scoring, "shuffle": bool(data.get("shuffle", True))}


def _picked(data: Data, response: Any) -> set[str]:
    ids = {c["id"] for c in data["choices"]}
    return {p for p in as_list(as_dict(response).get("choices")) if isinstance(p, str)} & ids


def grade(data: Data, response: Any) -> Result:
    picked = _picked(data, response)
    feedback = tuple(sorted(picked))
    if data["scoring"] == "all_or_nothing":
        correct = {c["id"] for c in data["choices"] if c["fraction"] > 0}
        return Result(1.0 if picked == correct else 0.0, feedback=feedback)
    # The correct choices' fractions add up to 1 within rounding (three at 33.333 %):
    # dividing by their sum makes the full set exactly 1.
    full = sum(c["fraction"] for c in data["choices"] if c["fraction"] > 0)
    if full <= 0:
        return Result(0.0, feedback=feedback)
    gained = sum(c["fraction"] for c in data["choices"] if c["id"] in picked and c["fraction"] > 0)
    lost = sum(c["fraction"] for c in data["choices"] if c["id"] in picked and c["fraction"] < 0)
    return Result(round(clamp(gained / full + lost), 6), feedback=feedback)


def correct_response(data: Data) -> dict[str, Any]:
    return {"choices": [c["id"] for c in data["choices"] if c["fraction"] > 0]}


def public_view(data: Data) -> Data:
    return {
        "choices": [{"id": c["id"], "text": c["text"]} for c in data["choices"]],
        "shuffle": data["shuffle"],
    }
