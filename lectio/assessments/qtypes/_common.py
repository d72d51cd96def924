"""What every question type shares: the result of grading, data errors, text matching."""

import math
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from lectio.assessments.rich_text import clean as clean_html

Data = dict[str, Any]


@dataclass(frozen=True)
class Result:
    """The grade of one response.

    ``fraction`` is in [0, 1], or None when a person must grade it (essay). ``parts``
    holds per-part fractions (a matching pair, a cloze gap); ``feedback`` the ids of the
    choices or answers whose own feedback applies to this response."""

    fraction: float | None
    parts: dict[str, float | None] = field(default_factory=dict)
    feedback: tuple[str, ...] = ()


class QuestionDataError(Exception):
    """The question's data is not valid for its type; ``problems`` says why, each one a
    sentence an author can act on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_any(self) -> None:
        if self.items:
            raise QuestionDataError(self.items)


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def as_dict(value: Any) -> Data:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def html(value: Any) -> str:
    return clean_html(value) if isinstance(value, str) else ""


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def number(value: Any) -> float | None:
    """A finite number from JSON or text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip().replace(",", ".")) if value.strip() else math.nan
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def fraction_of(value: Any, problems: Problems, where: str, *, low: float = 0.0) -> float:
    result = number(value)
    if result is None or not low <= result <= 1.0:
        problems.add(
            _("%(where)s: the fraction must be a number from %(low)s to 1 (100%%).")
            % {"where": where, "low": f"{low:g}"}
        )
        return 0.0
    return round(result, 7)


def new_id(taken: set[str], prefix: str) -> str:
    number_ = len(taken) + 1
    while f"{prefix}{number_}" in taken:
        number_ += 1
    taken.add(f"{prefix}{number_}")
    return f"{prefix}{number_}"


def opaque_id(taken: set[str]) -> str:
    """An id that says nothing about position (ordering items)."""
    while (candidate := secrets.token_hex(4)) in taken:
        pass
    taken.add(candidate)
    return candidate


def item_id(value: Any, taken: set[str], problems: Problems, where: str, prefix: str) -> str:
    """The item's own id if it has a usable one, else a new one."""
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        candidate = str(value).strip()[:40]
        if candidate in taken:
            problems.add(
                _("%(where)s: the id “%(id)s” is used twice.") % {"where": where, "id": candidate}
            )
        taken.add(candidate)
        return candidate
    return opaque_id(taken) if prefix == "" else new_id(taken, prefix)


def normalise_space(value: str) -> str:
    return " ".join(value.split())


@lru_cache(maxsize=1024)
def _pattern(answer: str, case_sensitive: bool) -> re.Pattern[str]:
    """A short answer as a pattern: ``*`` matches anything, ``\\*`` is a literal star."""
    pieces = []
    index = 0
    while index < len(answer):
        char = answer[index]
        if char == "\\" and index + 1 < len(answer) and answer[index + 1] == "*":
            pieces.append(re.escape("*"))
            index += 2
            continue
        pieces.append(".*" if char == "*" else re.escape(char))
        index += 1
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.compile("".join(pieces), flags)


def text_matches(answer: str, response: str, *, case_sensitive: bool) -> bool:
    """Whether a typed response matches an accepted answer: whitespace normalised at both
    ends and inside, case folded unless the question is case-sensitive, ``*`` a wildcard."""
    answer, response = normalise_space(answer), normalise_space(response)
    if not case_sensitive:
        answer, response = answer.casefold(), response.casefold()
    return _pattern(answer, case_sensitive).fullmatch(response) is not None
