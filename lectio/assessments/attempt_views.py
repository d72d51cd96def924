"""The learner's side of a quiz: its start page, the attempt page (answers autosaved as
given), the confirmation before submitting, and the results (by the review policy).

Every page of an attempt runs a fixed number of queries: the attempt, its answers with
their question versions, and (start page) the learner's other attempts."""

import re
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assessments import grading, services
from lectio.assessments.models import Answer, Attempt
from lectio.catalog.kinds import quiz as quiz_kind
from lectio.catalog.models import Course
from lectio.learning.models import Enrollment

FIELD = re.compile(r"^s(\d{1,4})-(.+)$")


def _attempt_for_user(request: AuthenticatedRequest, pk: int) -> Attempt:
    """The attempt when it is the person's own; 404 otherwise (another person's attempt
    is not told apart from one that does not exist)."""
    attempt = get_object_or_404(
        Attempt.objects.select_related("enrollment__course__live_version"),
        pk=pk,
        enrollment__user=request.user,
    )
    # The services read the enrolment's person (time zone) and course again: give them
    # the ones this request has already loaded instead of a query each.
    attempt.enrollment.user = request.user
    return attempt


def _answers(attempt: Attempt) -> list[Answer]:
    return list(Answer.objects.filter(attempt=attempt).select_related("version"))


def _closed_if_expired(attempt: Attempt, at: datetime) -> Attempt:
    """An attempt whose time ran out is submitted now, with what was saved."""
    if attempt.expired(at):
        submitted = services.submit_attempt(attempt, at=at, auto=True)
        submitted.enrollment = attempt.enrollment
        return submitted
    return attempt


@never_cache
@require_http_methods(["GET", "POST"])
def quiz(request: AuthenticatedRequest, slug: str, lesson_id: int) -> HttpResponse:
    """The quiz's start page: instructions, rules, past attempts; POST starts one."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
    if enrollment is None:
        raise Http404
    # Already loaded here: the services would load the course (and its live version) and
    # the person (for the time zone of drip release) again.
    enrollment.course, enrollment.user = course, request.user
    now = timezone.now()
    try:
        lesson = services.quiz_lesson(enrollment, lesson_id, now)
    except services.AttemptRefused as refused:
        if refused.status == 404:
            raise Http404 from None
        return render(
            request,
            "assessments/quiz.html",
            {"course": course, "error": refused.message},
            status=refused.status,
        )
    attempts = list(
        Attempt.objects.filter(enrollment=enrollment, lesson_id=lesson_id, cycle=enrollment.cycle)
    )
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt is not None and open_attempt.expired(now):
        services.submit_attempt(open_attempt, at=now, auto=True)
        return redirect("assessments:quiz", slug=slug, lesson_id=lesson_id)
    error = ""
    if request.method == "POST":
        if open_attempt is not None:
            return redirect("assessments:attempt", pk=open_attempt.pk)
        try:
            attempt = services.start_attempt(enrollment, lesson_id, at=now)
        except services.AttemptRefused as refused:
            error = refused.message
        else:
            return redirect("assessments:attempt", pk=attempt.pk)
    settings_ = quiz_kind.settings_of(lesson["content"])
    settings_["instructions"] = quiz_kind.instructions_in(lesson, get_language())
    variant = (lesson.get("variants") or {}).get((get_language() or "").split("-")[0]) or {}
    lesson = {**lesson, "title": variant.get("title") or lesson["title"]}
    return render(
        request,
        "assessments/quiz.html",
        {
            "course": course,
            "lesson": lesson,
            "lesson_id": lesson_id,
            "settings": settings_,
            "attempts": attempts,
            "open_attempt": open_attempt,
            "score": services.combined_score(attempts, settings_["grading"]),
            "error": error,
        },
        status=409 if error else 200,
    )


def _question(answer: Answer) -> dict[str, Any]:
    """What the attempt page shows of a question: its prompt and ``public_view`` only,
    the choices in this attempt's order, and what the learner has saved."""
    version = answer.version
    view = grading.public_view(version.type, version.data)
    for key in ("choices", "prompts"):
        if key in view and answer.order:
            by_id = {str(item["id"]): item for item in view[key]}
            view[key] = [by_id[i] for i in answer.order if i in by_id]
    response = answer.response or {}
    if version.type == "ordering":
        order = response.get("order") or [i["id"] for i in view["items"]]
        view["positions"] = {item_id: n for n, item_id in enumerate(order, start=1)}
    if "options" in view:
        view["labels"] = [(option, option) for option in view["options"]]
    prompt = _translate(version.translations, view, version.prompt, get_language())
    return {
        "slot": answer.slot,
        "type": version.type,
        "prompt": prompt,
        "view": view,
        "response": response,
        "answered": _answered(response),
    }


def _translate(
    translations: dict[str, Any], view: dict[str, Any], prompt: str, language: str | None
) -> str:
    """The learner's own language where the question has a translation: the prompt is
    returned, the texts of the choices (matching prompts, ordering items) replaced in
    ``view``; anything untranslated stays as written. Grading and statistics use ids, so
    they stay on the one question."""
    entry = translations.get((language or "").split("-")[0]) if translations else None
    if not entry:
        return prompt
    texts = entry.get("texts") or {}
    for key in ("choices", "prompts", "items"):
        for item in view.get(key, []):
            text = texts.get(str(item.get("id")))
            if text:
                item["text"] = text
    for gap in view.get("gaps", []):
        for choice in gap.get("choices", []):
            text = texts.get(f"{gap['id']}:{choice['id']}")
            if text:
                choice["text"] = text
    if "options" in view:  # matching: graded by the original text, shown translated
        view["labels"] = [
            (option, texts.get(f"option:{option}") or option) for option in view["options"]
        ]
    return str(entry.get("prompt") or prompt)


def _answered(response: dict[str, Any]) -> bool:
    """Whether a saved response says anything (False is an answer to true/false)."""
    return any(value not in (None, "", [], {}) for value in response.values())


@never_cache
def attempt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The attempt page, resumed as it was left: same questions, order and answers, and
    the time left (computed here; the page's script only counts it down)."""
    now = timezone.now()
    current = _closed_if_expired(_attempt_for_user(request, pk), now)
    if current.submitted_at is not None:
        return redirect("assessments:result", pk=current.pk)
    answers = _answers(current)
    pages = len(answers) if current.settings.get("one_per_page") else 1
    number = _page_number(request.GET.get("page"), pages)
    if pages > 1:
        answers = answers[number - 1 : number]
    remaining = int((current.deadline - now).total_seconds()) if current.deadline else None
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": current,
            "questions": [_question(a) for a in answers],
            "remaining": remaining,
            "remaining_minutes": -(-remaining // 60) if remaining is not None else None,
            "page": number,
            "pages": pages,
            "previous_page": number - 1 if number > 1 else None,
            "next_page": number + 1 if number < pages else None,
        },
    )


def _page_number(value: str | None, pages: int) -> int:
    number = int(value) if value and value.isdigit() else 1
    return min(max(number, 1), pages)


def _responses(request: HttpRequest, answers: dict[int, Answer]) -> dict[int, Any]:
    """The responses in the posted form, by slot: ``s<slot>-shown`` marks each question
    the form carried (so a cleared answer is saved as cleared)."""
    slots = {int(m.group(1)) for key in request.POST if (m := FIELD.match(key))}
    if slots - set(answers):
        raise services.AttemptRefused(_("That question is not part of this attempt."), 400)
    post = request.POST
    responses: dict[int, Any] = {}
    for slot in slots:
        kind = answers[slot].version.type
        name = f"s{slot}-"
        if kind == "single":
            responses[slot] = {"choice": post.get(name + "choice", "")}
        elif kind == "multiple":
            responses[slot] = {"choices": post.getlist(name + "choice")}
        elif kind == "truefalse":
            value = post.get(name + "value")
            responses[slot] = {"value": value == "true"} if value in ("true", "false") else {}
        elif kind in ("short", "numeric", "essay"):
            responses[slot] = {"text": post.get(name + "text", "")[:20000]}
        elif kind in ("matching", "cloze"):
            field, prefix = ("matches", "m-") if kind == "matching" else ("gaps", "g-")
            responses[slot] = {
                field: {
                    key[len(name + prefix) :]: post.get(key, "")[:1000]
                    for key in post
                    if key.startswith(name + prefix) and post.get(key)
                }
            }
        elif kind == "ordering":
            positions = {
                key[len(name + "p-") :]: post.get(key, "")
                for key in post
                if key.startswith(name + "p-")
            }
            ranked = sorted(positions, key=lambda i: (_int(positions[i]), i))
            responses[slot] = {"order": ranked}
    return responses


def _int(value: str) -> int:
    return int(value) if value.strip().isdigit() else 10**6


@require_POST
def save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Autosave (htmx, on every change) and the plain form's save: the posted answers of
    this attempt. Refused with 4xx and nothing changed for a slot the attempt does not
    have, a submitted attempt, or after the deadline."""
    current = _attempt_for_user(request, pk)
    answers = {a.slot: a for a in _answers(current)}
    now = timezone.now()
    try:
        services.save_answers(current, _responses(request, answers), at=now)
    except services.AttemptRefused as refused:
        if request.headers.get("HX-Request"):
            return HttpResponse(refused.message, status=refused.status)
        messages.error(request, refused.message)
        if refused.status == 409:
            return redirect("assessments:attempt", pk=current.pk)
        return HttpResponse(refused.message, status=refused.status)
    if request.headers.get("HX-Request"):
        return HttpResponse(
            _("Saved at %(time)s") % {"time": f"{timezone.localtime(now):%H:%M:%S}"}
        )
    if "finish" in request.POST:
        return redirect("assessments:submit", pk=current.pk)
    page = request.POST.get("go", "")
    if page.isdigit():
        return redirect(f"{reverse('assessments:attempt', args=[current.pk])}?page={page}")
    messages.success(request, _("Your answers are saved."))
    return redirect("assessments:attempt", pk=current.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the confirmation, listing unanswered questions; POST: submit."""
    now = timezone.now()
    current = _closed_if_expired(_attempt_for_user(request, pk), now)
    if current.submitted_at is not None:
        return redirect("assessments:result", pk=current.pk)
    if request.method == "POST":
        services.submit_attempt(current, at=now)
        return redirect("assessments:result", pk=current.pk)
    questions = [_question(a) for a in _answers(current)]
    unanswered = [q["slot"] for q in questions if not q["answered"]]
    return render(
        request,
        "assessments/submit.html",
        {"attempt": current, "unanswered": unanswered, "count": len(questions)},
    )


@never_cache
def result(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The attempt's result, showing what the review policy allows: after each attempt,
    or (``review_after_last``) once no further attempt is possible."""
    now = timezone.now()
    current = _closed_if_expired(_attempt_for_user(request, pk), now)
    if current.submitted_at is None:
        return redirect("assessments:attempt", pk=current.pk)
    rules = current.settings
    allowed = rules.get("attempts_allowed") or 0
    last = bool(allowed) and current.number >= allowed
    shown = set(rules.get("review_after_last" if last else "review_after_attempt") or [])
    reviewed = []
    language = (get_language() or "").split("-")[0]
    if shown & {"answers", "feedback"}:
        for answer in _answers(current):
            version = answer.version
            entry = (version.translations or {}).get(language) or {}
            texts = entry.get("texts") or {}
            item: dict[str, Any] = {
                "slot": answer.slot,
                "prompt": entry.get("prompt") or version.prompt,
                "fraction": answer.fraction,
            }
            if "answers" in shown:
                correct = grading.correct_response(version.type, version.data)
                item["given"] = _describe(version.type, version.data, answer.response or {}, texts)
                item["correct"] = _describe(version.type, version.data, correct, texts)
            if "feedback" in shown:
                item["feedback"] = entry.get("feedback") or version.general_feedback
                item["choice_feedback"] = _choice_feedback(
                    version.data, answer.feedback, entry.get("feedbacks") or {}
                )
                item["comment"] = answer.manual_comment
            reviewed.append(item)
    return render(
        request,
        "assessments/result.html",
        {
            "attempt": current,
            "course": current.enrollment.course,
            "show_score": "score" in shown,
            "reviewed": reviewed,
        },
    )


def _describe(
    kind: str, data: dict[str, Any], response: dict[str, Any], translated: dict[str, str]
) -> str:
    """A response in words, for the review after submission (the full question data may
    be used here: the attempt is closed), with the texts translated where they are."""
    texts = {c["id"]: translated.get(str(c["id"])) or c["text"] for c in data.get("choices", [])}
    if kind == "single":
        return str(texts.get(response.get("choice"), ""))
    if kind == "multiple":
        return "; ".join(str(texts.get(i, "")) for i in response.get("choices") or [])
    if kind == "truefalse":
        value = response.get("value")
        return "" if not isinstance(value, bool) else _("True") if value else _("False")
    if kind in ("short", "numeric", "essay"):
        return str(response.get("text") or "")
    if kind == "ordering":
        items = {i["id"]: translated.get(str(i["id"])) or i["text"] for i in data.get("items", [])}
        return " → ".join(str(items.get(i, "")) for i in response.get("order") or [])
    if kind == "matching":
        prompts = {
            str(p["id"]): strip_tags(translated.get(str(p["id"])) or p["prompt"])
            for p in data.get("pairs", [])
        }
        matches = response.get("matches") or {}
        return "; ".join(
            f"{prompts.get(k, k)} → {translated.get(f'option:{v}') or v}"
            for k, v in matches.items()
        )
    choices = {
        (str(g["id"]), str(c["id"])): strip_tags(
            translated.get(f"{g['id']}:{c['id']}") or c["text"]
        )
        for g in data.get("gaps", [])
        for c in g.get("choices", [])
    }
    gaps = response.get("gaps") or {}
    return "; ".join(f"{k}: {choices.get((str(k), str(v)), v)}" for k, v in gaps.items())


def _choice_feedback(data: dict[str, Any], ids: list[str], translated: dict[str, str]) -> list[str]:
    """The feedback of the choices or answers the grade named (sanitised HTML), in the
    learner's language where it is translated."""
    by_id = grading.feedback_texts(data)
    return [text for i in ids if (text := translated.get(str(i)) or by_id.get(str(i)))]
