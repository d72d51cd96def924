"""Question exchange formats: GIFT and Moodle XML both ways, Aiken import.

Each parser turns a file into a list of ``Item``: a question ready for
``services.create_question``, or one that cannot be imported with the line it starts on
and why (an error to fix, or a type or feature Lectio does not have). Nothing is dropped
without an item saying so. Each writer turns items into a file and lists what the format
cannot carry."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape, linebreaks


@dataclass
class Item:
    line: int = 0
    type: str = ""
    name: str = ""
    prompt: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    general_feedback: str = ""
    default_mark: float = 1.0
    category: tuple[str, ...] = ()
    tags: list[str] = field(default_factory=list)
    error: str = ""  # why this question cannot be read
    unsupported: str = ""  # the type or feature Lectio does not have, and why
    warnings: list[str] = field(default_factory=list)  # what was left out, by name
    translations: dict[str, Any] = field(default_factory=dict)  # exported only
    # Pictures the file carries, by name; the texts point at rich_text.placeholder_url(name)
    # on import (stored and swapped on apply), at the stored picture's URL on export.
    images: dict[str, bytes] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "error" if self.error else "unsupported" if self.unsupported else "ok"

    @property
    def label(self) -> str:
        from django.utils.html import strip_tags

        return self.name or " ".join(strip_tags(self.prompt).split())[:80]


@dataclass
class Exported:
    text: str
    count: int
    warnings: list[str]  # "question name: what was lost or why it was left out"


class FileProblem(Exception):
    """The file as a whole cannot be read."""


def plain_to_html(text: str) -> str:
    text = text.strip()
    return linebreaks(escape(text)) if text else ""


def category_path_from_text(text: str) -> tuple[str, ...]:
    """A Moodle category path (``$course$/top/Safety/Fire``, ``//`` for a slash inside a
    name) as names, without Moodle's context and ``top`` prefixes."""
    names = [part.replace("\x00", "/").strip() for part in text.replace("//", "\x00").split("/")]
    names = [n for n in names if n]
    if names and names[0].startswith("$") and names[0].endswith("$"):
        names = names[1:]
    if names and names[0].lower() == "top":
        names = names[1:]
    return tuple(names)


def category_path_to_text(names: tuple[str, ...]) -> str:
    return "/".join(["$course$", "top", *(n.replace("/", "//") for n in names)])
