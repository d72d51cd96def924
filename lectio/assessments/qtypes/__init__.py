"""Question types, one module each with the same shape:

- ``clean(data, *, prompt) -> data``: the type's data checked and normalised (ids filled
  in, HTML sanitised), or ``QuestionDataError`` listing every problem;
- ``grade(data, response) -> Result``: pure and deterministic, never raises on a
  malformed response (it scores 0);
- ``correct_response(data)``: a response that scores 1 (for reviews and tests);
- ``public_view(data)``: what the browser may see before submission: no correct answer,
  no fraction, no feedback;
- ``RESPONSE_SHAPE``: what an attempt page sends.
"""

from types import ModuleType

from lectio.assessments.qtypes import (
    cloze,
    essay,
    matching,
    multiple,
    numeric,
    ordering,
    short,
    single,
    truefalse,
)
from lectio.assessments.qtypes._common import QuestionDataError, Result

MODULES: dict[str, ModuleType] = {
    "single": single,
    "multiple": multiple,
    "truefalse": truefalse,
    "short": short,
    "numeric": numeric,
    "matching": matching,
    "ordering": ordering,
    "cloze": cloze,
    "essay": essay,
}

__all__ = ["MODULES", "QuestionDataError", "Result", "module"]


def module(type_name: str) -> ModuleType:
    try:
        return MODULES[type_name]
    except KeyError:
        raise QuestionDataError([f"Unknown question type “{type_name}”."]) from None
