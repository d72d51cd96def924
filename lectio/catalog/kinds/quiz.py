"""A quiz: questions from the question bank, with its settings (attempts, time limit,
grading method, pass mark, what learners see afterwards).

The questions and attempts live in the assessments app, which sits above catalog: it
provides the list of bank categories for the author's form at start-up
(``provide_categories``), and everything else here is plain settings.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lectio.catalog.sanitize import clean_html

GRADING_METHODS = [
    ("highest", gettext_lazy("Highest attempt")),
    ("last", gettext_lazy("Last attempt")),
    ("average", gettext_lazy("Average of attempts")),
]
REVIEW_PARTS = [
    ("score", gettext_lazy("Score")),
    ("answers", gettext_lazy("Correct answers")),
    ("feedback", gettext_lazy("Feedback")),
]

# (id, label) of every bank category; provided by the assessments app.
Categories = Callable[[], list[tuple[int, str]]]
_categories: list[Categories] = []


def provide_categories(source: Categories) -> None:
    _categories[:] = [source]


# The ids among those given that are questions of the bank; provided by assessments.
QuestionCheck = Callable[[list[int]], set[int]]
_question_check: list[QuestionCheck] = []


def provide_question_check(source: QuestionCheck) -> None:
    _question_check[:] = [source]


def _category_choices() -> list[tuple[str, str]]:
    listed = _categories[0]() if _categories else []
    return [("", "—")] + [(str(pk), label) for pk, label in listed]


class ContentForm(forms.Form):
    question_ids = forms.CharField(
        label=gettext_lazy("Questions (ids)"),
        required=False,
        help_text=gettext_lazy(
            "Question numbers from the bank, separated by commas: always asked."
        ),
    )
    draw_category = forms.TypedChoiceField(
        label=gettext_lazy("Draw questions at random from category"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_category_choices,
        help_text=gettext_lazy("Its subcategories included."),
    )
    draw_count = forms.IntegerField(
        label=gettext_lazy("Number of questions to draw"), min_value=0, max_value=200, initial=0
    )
    shuffle_questions = forms.BooleanField(label=gettext_lazy("Shuffle questions"), required=False)
    shuffle_choices = forms.BooleanField(
        label=gettext_lazy("Shuffle choices"), required=False, initial=True
    )
    one_per_page = forms.BooleanField(
        label=gettext_lazy("One question per page"),
        required=False,
        help_text=gettext_lazy("Otherwise every question is on one page."),
    )
    time_limit = forms.IntegerField(
        label=gettext_lazy("Time limit (minutes)"),
        required=False,
        min_value=1,
        max_value=1440,
        help_text=gettext_lazy("Leave empty for no limit."),
    )
    attempts_allowed = forms.IntegerField(
        label=gettext_lazy("Attempts allowed"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=gettext_lazy("0 means unlimited."),
    )
    grading = forms.ChoiceField(
        label=gettext_lazy("Grading method"), choices=GRADING_METHODS, initial="highest"
    )
    passing_score = forms.IntegerField(
        label=gettext_lazy("Passing score (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("Leave empty: the lesson completes when a quiz is submitted."),
    )
    wait_minutes = forms.IntegerField(
        label=gettext_lazy("Wait between attempts (minutes)"),
        min_value=0,
        max_value=10080,
        initial=0,
    )
    review_after_attempt = forms.MultipleChoiceField(
        label=gettext_lazy("After each attempt, show"),
        choices=REVIEW_PARTS,
        required=False,
        initial=["score"],
        widget=forms.CheckboxSelectMultiple,
    )
    review_after_last = forms.MultipleChoiceField(
        label=gettext_lazy("After the last attempt, show"),
        choices=REVIEW_PARTS,
        required=False,
        initial=["score", "answers", "feedback"],
        widget=forms.CheckboxSelectMultiple,
    )
    instructions = forms.CharField(
        label=gettext_lazy("Instructions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean_question_ids(self) -> list[int]:
        raw = self.cleaned_data["question_ids"].replace(" ", "")
        ids: list[int] = []
        for part in filter(None, raw.split(",")):
            if not part.lstrip("#").isdigit():
                raise forms.ValidationError(
                    _("“%(part)s” is not a question number.") % {"part": part}
                )
            number = int(part.lstrip("#"))
            if number not in ids:
                ids.append(number)
        if ids and _question_check:
            unknown = [n for n in ids if n not in _question_check[0](ids)]
            if unknown:
                raise forms.ValidationError(
                    ngettext(
                        "There is no question %(numbers)s in the bank.",
                        "There are no questions %(numbers)s in the bank.",
                        len(unknown),
                    )
                    % {"numbers": ", ".join(f"#{n}" for n in unknown)}
                )
        return ids

    def clean_instructions(self) -> str:
        return clean_html(self.cleaned_data["instructions"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("draw_count") and not data.get("draw_category"):
            self.add_error("draw_category", _("Choose the category to draw questions from."))
        if data.get("draw_category") and not data.get("draw_count"):
            self.add_error("draw_count", _("Say how many questions to draw."))
        return data


class VariantContentForm(forms.Form):
    """A quiz in another language: only its instructions are translated. The questions
    (with their own translations) and every rule stay the quiz's own, so one quiz is
    taken and measured as one whatever the language."""

    instructions = forms.CharField(
        label=gettext_lazy("Instructions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean_instructions(self) -> str:
        return clean_html(self.cleaned_data["instructions"])


def instructions_in(lesson: dict[str, Any], language: str | None) -> str:
    """The instructions of a published quiz lesson in ``language`` where they are
    translated, else the quiz's own."""
    code = (language or "").split("-")[0]
    variant = (lesson.get("variants") or {}).get(code) or {}
    translated = clean_html((variant.get("content") or {}).get("instructions") or "")
    return translated or settings_of(lesson.get("content") or {})["instructions"]


def settings_of(content: dict[str, Any]) -> dict[str, Any]:
    """The quiz's settings, normalised, whatever was stored (defaults for what is missing)."""
    grading = content.get("grading")
    passing = content.get("passing_score")
    return {
        "question_ids": [int(i) for i in content.get("question_ids") or []],
        "draw_category": int(content["draw_category"]) if content.get("draw_category") else None,
        "draw_count": int(content.get("draw_count") or 0),
        "shuffle_questions": bool(content.get("shuffle_questions")),
        "shuffle_choices": bool(content.get("shuffle_choices", True)),
        "one_per_page": bool(content.get("one_per_page")),
        "time_limit": int(content["time_limit"]) if content.get("time_limit") else None,
        "attempts_allowed": int(content.get("attempts_allowed") or 0),
        "grading": grading if grading in dict(GRADING_METHODS) else "highest",
        "passing_score": None if passing in (None, "") else int(passing),
        "wait_minutes": int(content.get("wait_minutes") or 0),
        "review_after_attempt": [
            p for p in content.get("review_after_attempt", ["score"]) if p in dict(REVIEW_PARTS)
        ],
        "review_after_last": [
            p
            for p in content.get("review_after_last", ["score", "answers", "feedback"])
            if p in dict(REVIEW_PARTS)
        ],
        "instructions": clean_html(content.get("instructions") or ""),
    }


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    return settings_of(content)


def problems(content: dict[str, Any]) -> list[str]:
    settings = settings_of(content)
    if not settings["question_ids"] and not (settings["draw_category"] and settings["draw_count"]):
        return [_("The quiz has no questions yet.")]
    return []
