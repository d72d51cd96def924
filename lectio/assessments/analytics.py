"""Item analysis of a quiz lesson for its instructors: the distribution of attempt
scores and, per question (over all its versions and every language learners saw it
in, so a multinational programme is measured as one), attempts, facility,
discrimination and how often each choice was picked.

Two queries whatever the number of attempts: the graded attempts, then their answers
with the versions they showed; everything else is arithmetic here.

Facility is the mean fraction earned (0 = nobody, 1 = everybody). The discrimination
index is Kelley's upper-lower index (T. L. Kelley, "The selection of upper and lower
groups for the validation of test items", Journal of Educational Psychology 30, 1939):
the attempts are ranked by their total score, the top and bottom 27 % (at least one
each) form the upper and lower groups, and

    D = mean fraction on the question in the upper group
      - mean fraction in the lower group          (-1 … 1)

Flags follow Ebel's rule of thumb (R. L. Ebel, Essentials of Educational Measurement,
1972): D below 0 is negative, below 0.2 is poor; facility above 0.9 or below 0.2 says
the question hardly measures anything."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from lectio.assessments.models import Answer, Attempt, QuestionType

GROUP_SHARE = 0.27
LOW_DISCRIMINATION = 0.2
EASY = 0.9
HARD = 0.2
BINS = 10  # score histogram: 0 to 9, 10 to 19, ... 90 to 100 %
CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE}
PART_TYPES = {QuestionType.MATCHING, QuestionType.ORDERING, QuestionType.CLOZE}
MOST_GIVEN = 10  # per pair, item or gap: the answers given most often (and the right one)


@dataclass
class ChoiceCount:
    key: str
    text: str
    picked: int
    correct: bool
    group: str = ""  # the matching prompt, ordering item or cloze gap the row is about


@dataclass
class QuestionStats:
    question_id: int
    text: str
    type: str
    attempts: int = 0
    facility: float | None = None
    discrimination: float | None = None
    choices: list[ChoiceCount] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class Bin:
    low: int
    high: int
    count: int


@dataclass
class QuizStats:
    attempts: int
    mean: float | None
    bins: list[Bin]
    questions: list[QuestionStats]


def _mark(answer: Answer) -> float | None:
    return answer.manual_fraction if answer.manual_fraction is not None else answer.fraction


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _bins(scores: list[float]) -> list[Bin]:
    counts = [0] * BINS
    for score in scores:
        counts[min(BINS - 1, int(score // (100 / BINS)))] += 1
    width = 100 // BINS
    return [
        Bin(low=i * width, high=100 if i == BINS - 1 else (i + 1) * width - 1, count=count)
        for i, count in enumerate(counts)
    ]


def _picked(answer: Answer) -> list[str]:
    response = answer.response if isinstance(answer.response, dict) else {}
    kind = answer.version.type
    if kind == QuestionType.SINGLE:
        choice = response.get("choice")
        return [str(choice)] if choice else []
    if kind == QuestionType.MULTIPLE:
        chosen = response.get("choices")
        return [str(c) for c in chosen] if isinstance(chosen, list) else []
    value = response.get("value")
    if value in (True, "true"):
        return ["true"]
    if value in (False, "false"):
        return ["false"]
    return []


def _choice_texts(version_type: str, data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    if version_type == QuestionType.TRUE_FALSE:
        answer = bool(data.get("answer"))
        return [("true", _("True"), answer), ("false", _("False"), not answer)]
    return [
        (str(c["id"]), strip_tags(c["text"]), float(c["fraction"]) > 0)
        for c in data.get("choices", [])
    ]


def _given_parts(kind: str, data: dict[str, Any], response: Any) -> list[tuple[str, str]]:
    """(part id, what was given) for each pair, item or gap of a response: the option
    matched to a prompt, the position (1, 2, ...) an item was put at, the text typed
    (spaces collapsed) or the choice picked in a gap."""
    response = response if isinstance(response, dict) else {}
    if kind == QuestionType.MATCHING:
        matches = response.get("matches")
        matches = matches if isinstance(matches, dict) else {}
        return [(str(k), " ".join(str(v).split())) for k, v in matches.items() if v]
    if kind == QuestionType.ORDERING:
        order = response.get("order")
        order = order if isinstance(order, list) else []
        return [(str(item), str(n)) for n, item in enumerate(order, start=1)]
    gaps = response.get("gaps")
    gaps = gaps if isinstance(gaps, dict) else {}
    return [(str(k), " ".join(str(v).split())) for k, v in gaps.items() if str(v).strip()]


def _part_counts(kind: str, data: dict[str, Any], items: list[Answer]) -> list[ChoiceCount]:
    """How often each answer was given per matching pair, ordering item (per position)
    or cloze gap: the right one always listed, then the others given most often."""
    from lectio.assessments.qtypes import cloze

    counts: dict[tuple[str, str], int] = {}
    for answer in items:
        for part, value in _given_parts(kind, data, answer.response):
            counts[part, value] = counts.get((part, value), 0) + 1
    groups: list[tuple[str, str, set[str], dict[str, str]]] = []  # id, label, right, texts
    if kind == QuestionType.MATCHING:
        for pair in data.get("pairs", []):
            groups.append((str(pair["id"]), strip_tags(pair["prompt"]), {pair["answer"]}, {}))
    elif kind == QuestionType.ORDERING:
        count = len(data.get("items", []))
        positions = {str(p): _("position %(n)s") % {"n": p} for p in range(1, count + 1)}
        for n, item in enumerate(data.get("items", []), start=1):
            groups.append((str(item["id"]), strip_tags(item["text"]), {str(n)}, positions))
    else:
        for gap in data.get("gaps", []):
            texts = {str(c["id"]): strip_tags(c["text"]) for c in gap.get("choices", [])}
            typed = {g for (p, g) in counts if p == gap["id"]}
            good = {g for g in typed if cloze.grade_gap(gap, g).fraction == 1}
            if not good:  # nobody got it: the key's own answer is listed
                good = {str(v) for v in cloze.correct_response({"gaps": [gap]})["gaps"].values()}
            groups.append((str(gap["id"]), _("Gap %(id)s") % {"id": gap["id"]}, good, texts))
    rows: list[ChoiceCount] = []
    for part, label, right, texts in groups:
        given = {g: c for (p, g), c in counts.items() if p == part}
        shown = (
            sorted(right)
            + [
                g
                for g, _c in sorted(given.items(), key=lambda gc: (-gc[1], gc[0]))
                if g not in right
            ][:MOST_GIVEN]
        )
        rows += [
            ChoiceCount(
                key=f"{part}:{g}",
                text=texts.get(g, g),
                picked=given.get(g, 0),
                correct=g in right,
                group=label,
            )
            for g in shown
        ]
    return rows


def _flags(stats: QuestionStats) -> list[str]:
    flags = []
    if stats.discrimination is not None:
        if stats.discrimination < 0:
            flags.append(
                _("Negative discrimination: weaker learners did better on it than stronger ones.")
            )
        elif stats.discrimination < LOW_DISCRIMINATION:
            flags.append(_("Very low discrimination: it hardly tells stronger learners apart."))
    if stats.facility is not None:
        if stats.facility > EASY:
            flags.append(_("Very easy: almost everyone got it right."))
        elif stats.facility < HARD:
            flags.append(_("Very hard: almost nobody got it right."))
    return flags


def quiz_stats(lesson_id: int) -> QuizStats:
    attempts = list(
        Attempt.objects.filter(lesson_id=lesson_id, submitted_at__isnull=False, score__isnull=False)
        .order_by("score", "pk")
        .values_list("pk", "score")
    )
    scores = {pk: float(score or 0) for pk, score in attempts}  # score is never null here
    ranked = [pk for pk, _score in attempts]  # lowest score first
    size = max(1, round(GROUP_SHARE * len(ranked)))
    lower, upper = set(ranked[:size]), set(ranked[-size:])
    answers = Answer.objects.filter(attempt_id__in=scores).select_related("version")
    by_question: dict[int, list[Answer]] = {}
    latest: dict[int, Any] = {}
    for answer in answers.order_by("version__question_id", "attempt_id", "slot"):
        question_id = answer.version.question_id
        by_question.setdefault(question_id, []).append(answer)
        if question_id not in latest or answer.version.number > latest[question_id].number:
            latest[question_id] = answer.version
    questions = []
    for question_id, items in by_question.items():
        version = latest[question_id]
        marks = [(a.attempt_id, m) for a in items if (m := _mark(a)) is not None]
        stats = QuestionStats(
            question_id=question_id,
            text=version.first_line,
            type=version.get_type_display(),
            attempts=len(items),
            facility=_mean([m for _pk, m in marks]),
        )
        if len(ranked) >= 2:
            high = _mean([m for pk, m in marks if pk in upper])
            low = _mean([m for pk, m in marks if pk in lower])
            if high is not None and low is not None:
                stats.discrimination = high - low
        if version.type in CHOICE_TYPES:
            counts: dict[str, int] = {}
            for answer in items:
                for key in _picked(answer):
                    counts[key] = counts.get(key, 0) + 1
            stats.choices = [
                ChoiceCount(key=key, text=text, picked=counts.get(key, 0), correct=correct)
                for key, text, correct in _choice_texts(version.type, version.data)
            ]
        elif version.type in PART_TYPES:
            stats.choices = _part_counts(version.type, version.data, items)
        stats.flags = _flags(stats)
        questions.append(stats)
    values = list(scores.values())
    mean = _mean(values)
    return QuizStats(
        attempts=len(values),
        mean=None if mean is None else round(mean, 2),
        bins=_bins(values),
        questions=questions,
    )
