"""Ordering: put the items in the right order (``items`` are stored in that order).

Scoring ``partial``: the share of neighbouring pairs in the response that are also
neighbours, in that order, in the answer. ``all_or_nothing``: 1 for the exact order.
Item ids are random, so listing items by id reveals nothing."""

import itertools
from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.qtypes._common import (
    Data,
    Problems,
    Result,
    as_dict,
    as_list,
    html,
    item_id,
)

RESPONSE_SHAPE = {"order": ["every item id, in the chosen order"]}
SCORINGS = ("partial", "all_or_nothing")


def clean(data: Data, *, prompt: str = "") -> Data:
    problems = Problems()
    items = []
    taken: set[str] = set()
    raw = as_list(data.get("items"))
    if len(raw) < 2:
        problems.add(_("Give at least two items to put in order."))
    for index, item in enumerate(raw, start=1):
        item = as_dict(item)
        label = _("Item %(number)s") % {"number": index}
        entry = {
            "id": item_id(item.get("id"), taken, problems, label, ""),
            "text": html(item.get("text")),
        }
        if not entry["text"]:
            problems.add(_("%(where)s has no text.") % {"where": label})
        items.append(entry)
    scoring = data.get("scoring", "partial")
    if scoring not in SCORINGS:
        problems.add(
            _("Scoring “%(value)s” is unknown: use partial or all_or_nothing.") % {"value": scoring}
        )
    problems.raise_any()
    return {"items": items, "scoring": scoring}


def grade(data: Data, response: Any) -> Result:
    key = [item["id"] for item in data["items"]]
    order = as_list(as_dict(response).get("order"))
    if not all(isinstance(i, str) for i in order) or sorted(order) != sorted(key):
        return Result(0.0)
    if data["scoring"] == "all_or_nothing":
        return Result(1.0 if order == key else 0.0)
    position = {item: index for index, item in enumerate(key)}
    right = sum(
        1 for first, second in itertools.pairwise(order) if position[second] == position[first] + 1
    )
    return Result(round(right / (len(key) - 1), 6))


def correct_response(data: Data) -> dict[str, Any]:
    return {"order": [item["id"] for item in data["items"]]}


def public_view(data: Data) -> Data:
    return {
        "items": sorted(
            ({"id": i["id"], "text": i["text"]} for i in data["items"]), key=lambda i: i["id"]
        )
    }
