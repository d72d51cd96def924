"""Aiken: single-choice questions as plain text (import only).

Which extinguisher is safe on electrical fires?
A. Water
B) Carbon dioxide
ANSWER: B
"""

import re

from django.utils.translation import gettext as _

from lectio.assessments.formats import Item, plain_to_html

_OPTION = re.compile(r"([A-Z])[.)]\s+(.*\S)\s*")
_ANSWER = re.compile(r"ANSWER\s*:\s*(.*?)\s*", re.IGNORECASE)


def _item(lines: list[tuple[int, str]], answer_line: int, letter: str) -> Item:
    item = Item(line=lines[0][0] if lines else answer_line, type="single")
    question: list[str] = []
    options: list[tuple[str, str]] = []
    for number, text in lines:
        option = _OPTION.fullmatch(text)
        if option:
            options.append((option.group(1), option.group(2)))
        elif options:
            item.error = _(
                "Line %(line)s: expected an option such as “C. …” or the ANSWER line."
            ) % {"line": number}
            return item
        else:
            question.append(text)
    if not question:
        item.error = _("Line %(line)s: the question has no text before its options.") % {
            "line": item.line
        }
        return item
    item.prompt = plain_to_html("\n".join(question))
    letters = [o[0] for o in options]
    if len(options) < 2:
        item.error = _("Line %(line)s: a question needs at least two options.") % {
            "line": item.line
        }
    elif len(set(letters)) != len(letters):
        item.error = _("Line %(line)s: an option letter is used twice.") % {"line": item.line}
    elif letter.upper() not in letters:
        item.error = _(
            "Line %(line)s: the answer “%(letter)s” is not one of the options (%(letters)s)."
        ) % {"line": answer_line, "letter": letter, "letters": ", ".join(letters)}
    item.data = {
        "choices": [
            {"text": plain_to_html(text), "fraction": 1 if key == letter.upper() else 0}
            for key, text in options
        ]
    }
    return item


def parse(text: str) -> list[Item]:
    items: list[Item] = []
    pending: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.fullmatch(line)
        if answer:
            if not pending:
                items.append(
                    Item(
                        line=number,
                        error=_("Line %(line)s: an ANSWER line without a question.")
                        % {"line": number},
                    )
                )
            else:
                items.append(_item(pending, number, answer.group(1)))
            pending = []
        else:
            pending.append((number, line))
    if pending:
        items.append(
            Item(
                line=pending[0][0],
                error=_("Line %(line)s: the question has no ANSWER line.")
                % {"line": pending[0][0]},
            )
        )
    return items
