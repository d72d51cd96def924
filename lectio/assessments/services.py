"""Every write to question banks (categories, questions and their versions) and to quiz
attempts (start, autosave, submit, expiry)."""

import contextlib
import json
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lectio.accounts.models import User
from lectio.assessments import grading, images, rich_text
from lectio.assessments.models import (
    Answer,
    Attempt,
    Category,
    GradeAudit,
    Question,
    QuestionImage,
    QuestionType,
    QuestionVersion,
    Tag,
)
from lectio.assessments.qtypes import QuestionDataError
from lectio.assessments.rich_text import clean as clean_html
from lectio.catalog.kinds import quiz as quiz_kind
from lectio.learning import services as learning
from lectio.learning.models import Enrollment


@transaction.atomic
def create_category(*, name: str, parent: Category | None = None) -> Category:
    name = " ".join(name.split())
    if not name:
        raise QuestionDataError([_("A category needs a name.")])
    category = Category(name=name[:200], parent=parent, depth=parent.depth + 1 if parent else 0)
    category.path = "/"  # placeholder until the primary key is known
    category.save()
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    category.save(update_fields=["path"])
    return category


def category_path(names: Sequence[str], *, under: Category | None = None) -> Category:
    """The category at this chain of names below ``under`` (or the top), made as needed."""
    parent = under
    for name in names:
        siblings = Category.objects.filter(parent=parent, name__iexact=" ".join(name.split()))
        found = siblings.first()
        parent = found or create_category(name=name, parent=parent)
    if parent is None:
        raise QuestionDataError([_("A category needs a name.")])
    return parent


def clean_translations(value: Any) -> dict[str, Any]:
    """{language: {"prompt", "feedback", "texts": {id: text}, "feedbacks": {id: HTML}}},
    sanitised; unknown languages are an error. ``texts`` translate choices, ordering items
    and matching prompts; ``feedbacks`` the feedback of a choice or answer by the id in
    ``grading.feedback_texts``."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise QuestionDataError([_("Translations must be an object keyed by language.")])
    languages = dict(settings.LANGUAGES)
    cleaned: dict[str, Any] = {}
    problems = []
    for language, entry in value.items():
        if language not in languages:
            problems.append(
                _("“%(value)s” is not a supported language (use one of: %(choices)s).")
                % {"value": language, "choices": ", ".join(languages)}
            )
            continue
        entry = entry if isinstance(entry, dict) else {}
        texts = entry.get("texts")
        texts = texts if isinstance(texts, dict) else {}
        feedbacks = entry.get("feedbacks")
        feedbacks = feedbacks if isinstance(feedbacks, dict) else {}
        cleaned[language] = {
            "prompt": clean_html(str(entry.get("prompt", ""))),
            "feedback": clean_html(str(entry.get("feedback", ""))),
            "texts": {str(k): clean_html(str(v)) for k, v in texts.items()},
        }
        if feedbacks:
            cleaned[language]["feedbacks"] = {
                str(k): html for k, v in feedbacks.items() if (html := clean_html(str(v)))
            }
    if problems:
        raise QuestionDataError(problems)
    return cleaned


def store_image(data: bytes, *, name: str, by: User | None, alt: str = "") -> QuestionImage:
    """A picture for question texts, checked and re-encoded (``images.check``), stored
    under ``question-images/``; ImageProblem says why a file is refused (nothing stored)."""
    checked = images.check(data)
    picture = QuestionImage(
        content_type=checked.content_type,
        name=" ".join(name.split())[:255] or "picture",
        alt=" ".join(alt.split())[:500],
        size=len(checked.data),
        width=checked.width,
        height=checked.height,
        created_by=by,
    )
    picture.file = default_storage.save(
        f"question-images/{picture.key}.{checked.suffix}", ContentFile(checked.data)
    )
    picture.save()
    return picture


def _link_images(version: QuestionVersion) -> None:
    """Record the bank pictures a new version shows (in any text, any language)."""
    texts = json.dumps(
        [version.prompt, version.general_feedback, version.data, version.translations]
    )
    keys = rich_text.image_keys(texts)
    if keys:
        version.images.set(QuestionImage.objects.filter(key__in=keys))


def _version_fields(
    *,
    type: str,
    prompt: str,
    data: dict[str, Any],
    name: str,
    general_feedback: str,
    translations: Any,
    default_mark: Decimal | float | int,
) -> dict[str, Any]:
    if type not in QuestionType.values:
        raise QuestionDataError([_("Unknown question type “%(type)s”.") % {"type": type}])
    prompt = clean_html(prompt)
    if not prompt:
        raise QuestionDataError([_("The question has no text.")])
    mark = Decimal(str(default_mark))
    if not Decimal(0) < mark < Decimal(10000):
        raise QuestionDataError([_("The default mark must be above 0.")])
    return {
        "type": type,
        "prompt": prompt,
        "data": grading.clean(type, data, prompt=prompt),
        "name": " ".join(name.split())[:255],
        "general_feedback": clean_html(general_feedback),
        "translations": clean_translations(translations),
        "default_mark": mark.quantize(Decimal("0.01")),
    }


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = " ".join(raw.split())[:100]
        if name:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            if tag not in tags:
                tags.append(tag)
    return tags


@transaction.atomic
def create_question(
    *,
    category: Category,
    type: str,
    prompt: str,
    data: dict[str, Any],
    by: User | None,
    name: str = "",
    general_feedback: str = "",
    translations: Any = None,
    default_mark: Decimal | float | int = 1,
    tags: Iterable[str] = (),
) -> Question:
    """A new question with its first version. Raises QuestionDataError, writing nothing,
    when the data is not valid for the type."""
    fields = _version_fields(
        type=type,
        prompt=prompt,
        data=data,
        name=name,
        general_feedback=general_feedback,
        translations=translations,
        default_mark=default_mark,
    )
    question = Question.objects.create(category=category, created_by=by)
    version = QuestionVersion.objects.create(question=question, number=1, created_by=by, **fields)
    _link_images(version)
    question.current_version = version
    question.save(update_fields=["current_version"])
    question.tags.set(_tags(tags))
    return question


@transaction.atomic
def revise_question(question: Question, *, by: User | None, **changes: Any) -> QuestionVersion:
    """Editing a question: a new version with the changes; earlier versions stay as they
    were, so attempts that showed them keep showing them."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    current = question.current_version
    assert current is not None
    fields = {
        "type": current.type,
        "prompt": current.prompt,
        "data": current.data,
        "name": current.name,
        "general_feedback": current.general_feedback,
        "translations": current.translations,
        "default_mark": current.default_mark,
    }
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"Unknown question fields: {', '.join(sorted(unknown))}")
    fields.update(changes)
    number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = QuestionVersion.objects.create(
        question=question, number=number, created_by=by, **_version_fields(**fields)
    )
    _link_images(version)
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version


def set_tags(question: Question, names: Iterable[str]) -> None:
    """The question's tags, replaced (tags belong to the question, not to a version)."""
    question.tags.set(_tags(names))


def move_category(category: Category, new_parent: Category | None) -> None:
    """Re-root a category and its subtree (one UPDATE for the paths)."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Length, Substr

    with transaction.atomic():
        if new_parent and new_parent.path.startswith(category.path):
            raise QuestionDataError([_("A category cannot move below itself.")])
        old_path = category.path
        new_path = f"{new_parent.path if new_parent else '/'}{category.pk}/"
        shift = (new_parent.depth + 1 if new_parent else 0) - category.depth
        Category.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
            depth=F("depth") + shift,
        )
        category.parent = new_parent
        category.save(update_fields=["parent"])
        category.refresh_from_db()


# Quiz attempts ---------------------------------------------------------------------------


class AttemptRefused(Exception):
    """Why an attempt cannot start, or an answer cannot be saved; ``status`` is the HTTP
    status a view answers with. Nothing was written."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def quiz_lesson(enrollment: Enrollment, lesson_id: int, at: datetime) -> dict[str, Any]:
    """The published quiz lesson when the learner may work on it now, else AttemptRefused."""
    try:
        lesson = learning.lesson_open_to(enrollment, lesson_id, at)
    except learning.ProgressRefused as refused:
        raise AttemptRefused(str(refused), refused.status) from None
    if lesson["kind"] != "quiz":
        raise AttemptRefused(_("This lesson is not a quiz."), 404)
    return lesson


def _draw(settings_: dict[str, Any], rng: random.Random) -> list[QuestionVersion]:
    """The question versions of a new attempt, in the order shown: the fixed questions,
    then those drawn from the category (never one already fixed). Two or three queries,
    whatever the size of the bank."""
    fixed = settings_["question_ids"]
    chosen: list[int] = list(fixed)
    if settings_["draw_category"] and settings_["draw_count"]:
        category = Category.objects.filter(pk=settings_["draw_category"]).first()
        if category is not None:
            pool = list(
                Question.objects.filter(
                    category__path__startswith=category.path, current_version__isnull=False
                )
                .exclude(pk__in=fixed)
                .values_list("pk", flat=True)
            )
            chosen += rng.sample(pool, min(settings_["draw_count"], len(pool)))
    versions = {
        q.pk: q.current_version
        for q in Question.objects.filter(pk__in=chosen).select_related("current_version")
        if q.current_version is not None
    }
    drawn = [versions[pk] for pk in chosen if pk in versions]
    if settings_["shuffle_questions"]:
        rng.shuffle(drawn)
    return drawn


def _choice_order(version: QuestionVersion, shuffle: bool, rng: random.Random) -> list[str]:
    """The ids of what this attempt lists (choices, matching prompts), shuffled when the
    quiz and the question both allow it."""
    view = grading.public_view(version.type, version.data)
    items = view.get("choices") or view.get("prompts") or []
    ids = [str(item["id"]) for item in items]
    if shuffle and view.get("shuffle", True):
        rng.shuffle(ids)
    return ids


def _refuse_start(attempts: list[Attempt], settings_: dict[str, Any], at: datetime) -> None:
    allowed = settings_["attempts_allowed"]
    if allowed and len(attempts) >= allowed:
        raise AttemptRefused(_("You have used all your attempts at this quiz."), 409)
    last = attempts[-1] if attempts else None
    if last is not None and last.submitted_at and settings_["wait_minutes"]:
        ready = last.submitted_at + timedelta(minutes=settings_["wait_minutes"])
        if at < ready:
            minutes = math.ceil((ready - at).total_seconds() / 60)
            raise AttemptRefused(
                ngettext(
                    "You can start another attempt in %(count)d minute.",
                    "You can start another attempt in %(count)d minutes.",
                    minutes,
                )
                % {"count": minutes},
                409,
            )


@transaction.atomic
def start_attempt(
    enrollment: Enrollment,
    lesson_id: int,
    *,
    at: datetime | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """A new attempt at a quiz lesson, its questions and choice orders drawn now.

    Refused (AttemptRefused) while another attempt is open (resume that one), when the
    attempts are used up, before the wait between attempts has passed, or when the lesson
    is not open to the learner. An open attempt past its deadline is submitted first."""
    at = at or timezone.now()
    rng = rng or random.SystemRandom()
    lesson = quiz_lesson(enrollment, lesson_id, at)
    settings_ = quiz_kind.settings_of(lesson["content"])
    # Starts of one learner's attempts are serialised on their enrolment row.
    Enrollment.objects.select_for_update(of=("self",)).filter(pk=enrollment.pk).get()
    earlier = list(Attempt.objects.filter(enrollment=enrollment, lesson_id=lesson_id))
    # Attempts of earlier recertification cycles stay on record but count no more.
    attempts = [a for a in earlier if a.cycle == enrollment.cycle]
    open_attempt = next((a for a in earlier if a.submitted_at is None), None)
    if open_attempt is not None:
        if not open_attempt.expired(at):
            raise AttemptRefused(
                _("You have an attempt in progress: resume it instead of starting another."), 409
            )
        submit_attempt(open_attempt, at=at, auto=True)
    _refuse_start(attempts, settings_, at)
    versions = _draw(settings_, rng)
    if not versions:
        raise AttemptRefused(_("This quiz has no questions yet."), 409)
    attempt = Attempt.objects.create(
        enrollment=enrollment,
        lesson_id=lesson_id,
        number=max((a.number for a in earlier), default=0) + 1,
        cycle=enrollment.cycle,
        started_at=at,
        deadline=at + timedelta(minutes=settings_["time_limit"])
        if settings_["time_limit"]
        else None,
        settings=settings_,
    )
    Answer.objects.bulk_create(
        Answer(
            attempt=attempt,
            slot=slot,
            version=version,
            order=_choice_order(version, settings_["shuffle_choices"], rng),
        )
        for slot, version in enumerate(versions, start=1)
    )
    learning.open_lesson(enrollment, lesson_id, at=at)
    return attempt


@transaction.atomic
def save_answers(
    attempt: Attempt, responses: dict[int, Any], *, at: datetime | None = None
) -> list[Answer]:
    """Store the learner's responses by slot, as they give them. Refused, with nothing
    changed, for a submitted attempt, after the deadline, or for a slot the attempt does
    not have. The caller has checked the attempt is the learner's own."""
    at = at or timezone.now()
    locked = Attempt.objects.select_for_update(of=("self",)).get(pk=attempt.pk)
    if locked.submitted_at is not None:
        raise AttemptRefused(_("This attempt has been submitted; answers cannot change."), 409)
    if locked.expired(at):
        raise AttemptRefused(_("The time for this attempt is up; the answer was not saved."), 409)
    answers = {a.slot: a for a in Answer.objects.filter(attempt=locked, slot__in=responses)}
    if set(responses) - set(answers):
        raise AttemptRefused(_("That question is not part of this attempt."), 400)
    for slot, response in responses.items():
        answers[slot].response, answers[slot].saved_at = response, at
    Answer.objects.bulk_update(answers.values(), ["response", "saved_at"])
    return list(answers.values())


def _attempt_score(answers: list[Answer]) -> float | None:
    """Percent of the marks, or None while an answer waits for a person to grade it."""
    total = sum(float(a.version.default_mark) for a in answers)
    fractions = [
        a.manual_fraction if a.manual_fraction is not None else a.fraction for a in answers
    ]
    if any(f is None for f in fractions):
        return None
    if not total:
        return 0.0
    earned = sum(
        float(a.version.default_mark) * (f or 0.0) for a, f in zip(answers, fractions, strict=True)
    )
    return round(100 * earned / total, 2)


def combined_score(attempts: list[Attempt], method: str) -> float | None:
    """The quiz's score across graded attempts by its grading method."""
    scores = [a.score for a in sorted(attempts, key=lambda a: a.number) if a.score is not None]
    if not scores:
        return None
    if method == "last":
        return scores[-1]
    if method == "average":
        return round(sum(scores) / len(scores), 2)
    return max(scores)


def _passes(score: float, settings_: dict[str, Any]) -> bool:
    passing = settings_["passing_score"]
    return passing is None or score >= passing


@transaction.atomic
def submit_attempt(attempt: Attempt, *, at: datetime | None = None, auto: bool = False) -> Attempt:
    """Grade what was saved and close the attempt; then the quiz's result across attempts
    goes to the learner's progress. Submitting twice changes nothing. ``auto``: the time
    ran out (the learner's next visit or the periodic task), so the attempt is closed at
    its deadline."""
    at = at or timezone.now()
    locked = Attempt.objects.select_for_update(of=("self",)).get(pk=attempt.pk)
    if locked.submitted_at is not None:
        return locked
    if Attempt.enrollment.is_cached(attempt):  # the caller's, with its course: no reload
        locked.enrollment = attempt.enrollment
    answers = list(Answer.objects.filter(attempt=locked).select_related("version"))
    for answer in answers:
        result = grading.grade(answer.version.type, answer.version.data, answer.response or {})
        answer.fraction, answer.feedback = result.fraction, list(result.feedback)
    Answer.objects.bulk_update(answers, ["fraction", "feedback"])
    locked.submitted_at = min(at, locked.deadline) if auto and locked.deadline else at
    locked.auto_submitted = auto
    locked.score = _attempt_score(answers)
    locked.needs_grading = locked.score is None
    locked.passed = None if locked.score is None else _passes(locked.score, locked.settings)
    locked.save(
        update_fields=["submitted_at", "auto_submitted", "score", "needs_grading", "passed"]
    )
    _record_answers(locked, answers, at)
    _record_result(locked, at)
    return locked


def _record_answers(attempt: Attempt, answers: list[Answer], at: datetime) -> None:
    """Each answer of the submitted attempt becomes an xAPI ``answered`` statement, through
    the one write path (assessments knows nothing of xAPI)."""
    if Attempt.enrollment.is_cached(attempt) and Enrollment.course.is_cached(attempt.enrollment):
        enrollment = attempt.enrollment  # the caller's, with its course: no reload
    else:
        enrollment = Enrollment.objects.select_related("user", "course__live_version").get(
            pk=attempt.enrollment_id
        )
    learning.record_answers(
        enrollment,
        attempt.lesson_id,
        attempt=attempt.number,
        answers=[
            learning.QuizAnswer(
                question=str(answer.version.question_id),
                response=json.dumps(answer.response or {}, sort_keys=True),
                fraction=answer.fraction,
            )
            for answer in sorted(answers, key=lambda a: a.slot)
        ],
        at=at,
    )


def _record_result(attempt: Attempt, at: datetime) -> None:
    attempts = list(
        Attempt.objects.filter(
            enrollment_id=attempt.enrollment_id, lesson_id=attempt.lesson_id, cycle=attempt.cycle
        )
    )
    score = combined_score(attempts, attempt.settings["grading"])
    if score is None:
        return
    if Attempt.enrollment.is_cached(attempt) and Enrollment.course.is_cached(attempt.enrollment):
        enrollment = attempt.enrollment
    else:
        enrollment = Enrollment.objects.select_related("course").get(pk=attempt.enrollment_id)
    # The access window may have closed (or the lesson left the course) meanwhile: the
    # attempt is kept and graded; there is no progress to move.
    with contextlib.suppress(learning.ProgressRefused):
        learning.record_quiz_result(
            enrollment,
            attempt.lesson_id,
            score=score,
            passed=_passes(score, attempt.settings),
            at=at,
        )


def submit_expired(*, at: datetime | None = None, limit: int = 500) -> int:
    """Submit open attempts whose deadline has passed, with what was saved."""
    at = at or timezone.now()
    due = list(
        Attempt.objects.filter(submitted_at=None, deadline__lte=at).order_by("deadline")[:limit]
    )
    for attempt in due:
        submit_attempt(attempt, at=at, auto=True)
    return len(due)


@transaction.atomic
def grade_answer(
    answer: Answer,
    *,
    fraction: float,
    comment: str,
    by: User,
    at: datetime | None = None,
) -> Attempt:
    """A person's grade for an answer that waits for one (an essay). When the attempt has
    no more such answers, it gets its score, and the quiz result moves the learner's
    progress like any submit."""
    at = at or timezone.now()
    attempt = Attempt.objects.select_for_update(of=("self",)).get(pk=answer.attempt_id)
    if attempt.submitted_at is None:
        raise AttemptRefused(_("This attempt has not been submitted yet."), 409)
    if not 0 <= fraction <= 1:
        raise AttemptRefused(_("The mark must be between 0 and 100%."), 400)
    answers = list(Answer.objects.filter(attempt=attempt).select_related("version"))
    graded = next(a for a in answers if a.pk == answer.pk)
    graded.manual_fraction, graded.manual_comment = fraction, comment.strip()[:5000]
    graded.graded_by, graded.graded_at = by, at
    graded.save(update_fields=["manual_fraction", "manual_comment", "graded_by", "graded_at"])
    attempt.score = _attempt_score(answers)
    attempt.needs_grading = attempt.score is None
    attempt.passed = None if attempt.score is None else _passes(attempt.score, attempt.settings)
    attempt.save(update_fields=["score", "needs_grading", "passed"])
    if attempt.score is not None:
        _record_result(attempt, at)
    return attempt


def _rescore(attempt: Attempt, answers: list[Answer], at: datetime) -> None:
    """The attempt's score, pass/fail and the learner's result again, from its answers."""
    attempt.score = _attempt_score(answers)
    attempt.needs_grading = attempt.score is None
    attempt.passed = None if attempt.score is None else _passes(attempt.score, attempt.settings)
    attempt.save(update_fields=["score", "needs_grading", "passed"])
    if attempt.score is not None:
        _record_result(attempt, at)


def _required_reason(reason: str) -> str:
    reason = reason.strip()[:2000]
    if not reason:
        raise AttemptRefused(_("Give a reason for the change."), 400)
    return reason


@dataclass
class RegradePreview:
    """What a regrade would do, told to the instructor before it is done."""

    attempts: int  # submitted attempts whose answers would be graded again
    changed: int  # of which the score would change
    learners_falling: int  # learners whose quiz result would drop below the passing score
    learners_rising: int  # learners whose result would reach it


def regrade_preview(question: Question, *, lesson_id: int, in_place: bool) -> RegradePreview:
    """The effect of ``regrade_question`` with the same arguments, computed without
    writing anything: four queries whatever the number of attempts. A learner falling
    below the passing score keeps a lesson (and course) already completed (decision
    201); the instructor is told how many beforehand."""
    current = question.current_version
    assert current is not None
    touched = Answer.objects.filter(
        attempt__lesson_id=lesson_id,
        attempt__submitted_at__isnull=False,
        version__question=question,
    )
    if not in_place:
        touched = touched.exclude(version=current)
    attempt_ids = set(touched.values_list("attempt_id", flat=True))
    attempts = {a.pk: a for a in Attempt.objects.filter(pk__in=attempt_ids)}
    new_scores: dict[int, float | None] = {}
    by_attempt: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(attempt_id__in=attempt_ids).select_related("version"):
        by_attempt.setdefault(answer.attempt_id, []).append(answer)
    for pk, answers in by_attempt.items():
        for answer in answers:
            if answer.version.question_id != question.pk:
                continue
            version = answer.version if in_place else current
            answer.version = version
            answer.fraction = grading.grade(
                version.type, version.data, answer.response or {}
            ).fraction
        new_scores[pk] = _attempt_score(answers)
    changed = sum(1 for pk, score in new_scores.items() if score != attempts[pk].score)
    learners = {(a.enrollment_id, a.cycle) for a in attempts.values()}
    siblings: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in Attempt.objects.filter(
        lesson_id=lesson_id, enrollment_id__in={e for e, _c in learners}
    ):
        if (attempt.enrollment_id, attempt.cycle) in learners:
            siblings.setdefault((attempt.enrollment_id, attempt.cycle), []).append(attempt)
    falling = rising = 0
    for group in siblings.values():
        rules = max(group, key=lambda a: a.number).settings
        if rules.get("passing_score") is None:
            continue
        before = combined_score(group, rules.get("grading", "highest"))
        after_group = [Attempt(number=a.number, score=new_scores.get(a.pk, a.score)) for a in group]
        after = combined_score(after_group, rules.get("grading", "highest"))
        was = before is not None and _passes(before, rules)
        now = after is not None and _passes(after, rules)
        falling += was and not now
        rising += now and not was
    return RegradePreview(
        attempts=len(attempts),
        changed=changed,
        learners_falling=falling,
        learners_rising=rising,
    )


@transaction.atomic
def regrade_question(
    question: Question,
    *,
    lesson_id: int,
    by: User,
    reason: str,
    in_place: bool = False,
    at: datetime | None = None,
) -> int:
    """Grade again the submitted attempts of a quiz lesson that showed this question.

    By default (a corrected answer key) the answers that showed an older version are
    graded against the question's current version, and point at it from then on. With
    ``in_place`` (a grading fix) every answer is graded again against the version it
    showed. Manual marks stay in force. Each attempt's score, pass/fail and the
    learner's result are recomputed; every answer whose mark or version changed gets an
    audit entry. Returns the number of attempts whose score changed."""
    at = at or timezone.now()
    reason = _required_reason(reason)
    current = question.current_version
    assert current is not None
    touched = Answer.objects.filter(
        attempt__lesson_id=lesson_id,
        attempt__submitted_at__isnull=False,
        version__question=question,
    )
    if not in_place:
        touched = touched.exclude(version=current)
    attempt_ids = set(touched.values_list("attempt_id", flat=True))
    attempts = list(Attempt.objects.select_for_update().filter(pk__in=attempt_ids).order_by("pk"))
    by_attempt: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(attempt_id__in=attempt_ids).select_related("version"):
        by_attempt.setdefault(answer.attempt_id, []).append(answer)
    changed = 0
    entries: list[GradeAudit] = []
    for attempt in attempts:
        answers = by_attempt.get(attempt.pk, [])
        old_score = attempt.score
        moved: list[tuple[Answer, QuestionVersion, float | None]] = []
        for answer in answers:
            if answer.version.question_id != question.pk:
                continue
            if not in_place and answer.version_id == current.pk:
                continue
            old_version, old_fraction = answer.version, answer.fraction
            version = answer.version if in_place else current
            result = grading.grade(version.type, version.data, answer.response or {})
            answer.version, answer.fraction = version, result.fraction
            answer.feedback = list(result.feedback)
            answer.save(update_fields=["version", "fraction", "feedback"])
            if old_fraction != answer.fraction or old_version.pk != version.pk:
                moved.append((answer, old_version, old_fraction))
        if not moved:
            continue
        _rescore(attempt, answers, at)
        changed += attempt.score != old_score
        entries += [
            GradeAudit(
                attempt=attempt,
                answer=answer,
                kind=GradeAudit.Kind.REGRADE,
                from_version=old_version,
                to_version=answer.version,
                old_fraction=old_fraction,
                new_fraction=answer.fraction,
                old_score=old_score,
                new_score=attempt.score,
                reason=reason,
                by=by,
                at=at,
            )
            for answer, old_version, old_fraction in moved
        ]
    GradeAudit.objects.bulk_create(entries)
    return changed


@transaction.atomic
def override_answer(
    answer: Answer, *, fraction: float, reason: str, by: User, at: datetime | None = None
) -> Attempt:
    """An instructor's mark for an answer of a submitted attempt, whatever the automatic
    grade said, with the reason on record. The attempt and the learner's result follow."""
    at = at or timezone.now()
    reason = _required_reason(reason)
    if not 0 <= fraction <= 1:
        raise AttemptRefused(_("The mark must be between 0 and 100%."), 400)
    attempt = Attempt.objects.select_for_update(of=("self",)).get(pk=answer.attempt_id)
    if attempt.submitted_at is None:
        raise AttemptRefused(_("This attempt has not been submitted yet."), 409)
    answers = list(Answer.objects.filter(attempt=attempt).select_related("version"))
    target = next(a for a in answers if a.pk == answer.pk)
    old_fraction = target.manual_fraction if target.manual_fraction is not None else target.fraction
    old_score = attempt.score
    target.manual_fraction, target.graded_by, target.graded_at = fraction, by, at
    target.save(update_fields=["manual_fraction", "graded_by", "graded_at"])
    _rescore(attempt, answers, at)
    GradeAudit.objects.create(
        attempt=attempt,
        answer=target,
        kind=GradeAudit.Kind.OVERRIDE,
        old_fraction=old_fraction,
        new_fraction=fraction,
        old_score=old_score,
        new_score=attempt.score,
        reason=reason,
        by=by,
        at=at,
    )
    return attempt
