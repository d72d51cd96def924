"""Instructors' pages of a quiz lesson: its item analysis, regrading a question after a
corrected answer key, and the review of one attempt with manual overrides and its
audit. Instructors and administrators."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assessments import analytics, services
from lectio.assessments.models import Answer, Attempt, GradeAudit, Question
from lectio.assessments.permissions import (
    answers_gradable_by,
    attempts_visible_to,
    can_manage_questions,
    quiz_lessons_for,
    requires,
)
from lectio.catalog.models import Lesson

RECENT = 50
CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 400, 160, 4


class RegradeForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("Grade with"),
        choices=[
            ("key", gettext_lazy("the question's current version (corrected answer key)")),
            ("in_place", gettext_lazy("the version each attempt showed (grading fix)")),
        ],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


class OverrideForm(forms.Form):
    mark = forms.IntegerField(label=gettext_lazy("Mark (%)"), min_value=0, max_value=100)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


def _quiz_lesson(request: AuthenticatedRequest, lesson_id: int) -> Lesson:
    """A quiz lesson of the person's own courses (administrators: any); 404 otherwise."""
    return get_object_or_404(
        quiz_lessons_for(request.user).select_related("module__course"), pk=lesson_id
    )


def _bars(bins: list[analytics.Bin]) -> list[dict[str, int]]:
    """Bar geometry for the inline SVG histogram (attributes only: the CSP forbids
    inline styles)."""
    top = max((b.count for b in bins), default=0) or 1
    width = CHART_WIDTH // len(bins)
    bars = []
    for index, item in enumerate(bins):
        height = round(item.count * (CHART_HEIGHT - 20) / top)
        bars.append(
            {
                "x": index * width,
                "y": CHART_HEIGHT - 20 - height,
                "width": width - BAR_GAP,
                "height": height,
                "label_x": index * width + (width - BAR_GAP) // 2,
                "low": item.low,
                "count": item.count,
            }
        )
    return bars


@requires(can_manage_questions)
def quiz_analytics(request: AuthenticatedRequest, lesson_id: int) -> HttpResponse:
    lesson = _quiz_lesson(request, lesson_id)
    stats = analytics.quiz_stats(lesson.pk)
    attempts = list(
        Attempt.objects.filter(lesson_id=lesson.pk, submitted_at__isnull=False)
        .select_related("enrollment__user")
        .order_by("-submitted_at")[:RECENT]
    )
    return render(
        request,
        "assessments/analytics.html",
        {
            "lesson": lesson,
            "stats": stats,
            "bars": _bars(stats.bins),
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "regrade_form": RegradeForm(),
            "attempts": attempts,
        },
    )


@requires(can_manage_questions)
@require_http_methods(["GET", "POST"])
def regrade(request: AuthenticatedRequest, lesson_id: int, question_id: int) -> HttpResponse:
    """GET: what a regrade would change (attempts, scores, and how many learners would
    fall below the passing score, who keep a completed lesson), then the form; POST: do
    it."""
    lesson = _quiz_lesson(request, lesson_id)
    question = get_object_or_404(Question.objects.select_related("current_version"), pk=question_id)
    if request.method == "GET":
        previews = [
            (label, services.regrade_preview(question, lesson_id=lesson.pk, in_place=mode != "key"))
            for mode, label in RegradeForm.base_fields["mode"].choices  # type: ignore[attr-defined]
        ]
        return render(
            request,
            "assessments/regrade.html",
            {
                "lesson": lesson,
                "question": question,
                "previews": previews,
                "form": RegradeForm(prefix=f"q{question.pk}"),
            },
        )
    form = RegradeForm(request.POST, prefix=f"q{question.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose how to regrade and give a reason."))
        return redirect("assessments:regrade", lesson_id=lesson.pk, question_id=question.pk)
    in_place = form.cleaned_data["mode"] == "in_place"
    preview = services.regrade_preview(question, lesson_id=lesson.pk, in_place=in_place)
    changed = services.regrade_question(
        question,
        lesson_id=lesson.pk,
        by=request.user,
        reason=form.cleaned_data["reason"],
        in_place=in_place,
    )
    messages.success(
        request, _("Regraded: %(count)s attempt score(s) changed.") % {"count": changed}
    )
    if preview.learners_falling:
        messages.warning(
            request,
            _(
                "%(count)s learner(s) are now below the passing score; a lesson they had "
                "already completed stays completed."
            )
            % {"count": preview.learners_falling},
        )
    return redirect("assessments:analytics", lesson_id=lesson.pk)


def _review_attempt(request: AuthenticatedRequest, pk: int) -> Attempt:
    return get_object_or_404(
        attempts_visible_to(request.user).select_related("enrollment__user"),
        pk=pk,
        submitted_at__isnull=False,
    )


@requires(can_manage_questions)
def attempt_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    attempt = _review_attempt(request, pk)
    answers = list(Answer.objects.filter(attempt=attempt).select_related("version"))
    audit = list(GradeAudit.objects.filter(attempt=attempt).select_related("by", "answer"))
    return render(
        request,
        "assessments/attempt_review.html",
        {
            "attempt": attempt,
            "answers": [(a, OverrideForm(prefix=f"a{a.pk}")) for a in answers],
            "audit": audit,
        },
    )


@requires(can_manage_questions)
@require_POST
def override(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(
        answers_gradable_by(request.user), pk=pk, attempt__submitted_at__isnull=False
    )
    form = OverrideForm(request.POST, prefix=f"a{answer.pk}")
    if not form.is_valid():
        messages.error(request, _("Give a mark between 0 and 100 and a reason."))
        return redirect("assessments:attempt_review", pk=answer.attempt_id)
    services.override_answer(
        answer,
        fraction=form.cleaned_data["mark"] / 100,
        reason=form.cleaned_data["reason"],
        by=request.user,
    )
    messages.success(request, _("The mark is changed and recorded."))
    return redirect("assessments:attempt_review", pk=answer.attempt_id)
