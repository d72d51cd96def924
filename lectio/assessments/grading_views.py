"""The manual grading queue: answers a person must grade (essays), oldest first, each
with a mark and a comment. Instructors and administrators."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assessments import services
from lectio.assessments.models import Answer
from lectio.assessments.permissions import answers_gradable_by, can_manage_questions, requires

QUEUE_LENGTH = 50


class GradeForm(forms.Form):
    mark = forms.IntegerField(label=gettext_lazy("Mark (%)"), min_value=0, max_value=100)
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _waiting(user: object) -> "QuerySet[Answer]":
    """The answers waiting for a person, oldest first, of this grader's own courses'
    quizzes (administrators: every quiz)."""
    return (
        answers_gradable_by(user)
        .filter(
            attempt__needs_grading=True,
            attempt__submitted_at__isnull=False,
            fraction=None,
            manual_fraction=None,
        )
        .select_related("attempt__enrollment__user", "attempt__enrollment__course", "version")
        .order_by("attempt__submitted_at", "pk")
    )


@requires(can_manage_questions)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """A page of 50 waiting answers: three queries however long the queue."""
    page = Paginator(_waiting(request.user), QUEUE_LENGTH).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/grading.html",
        {"answers": [(a, GradeForm(prefix=f"a{a.pk}")) for a in page], "page": page},
    )


@requires(can_manage_questions)
@require_POST
def grade(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(
        answers_gradable_by(request.user),
        pk=pk,
        fraction=None,
        manual_fraction=None,
        attempt__needs_grading=True,
    )
    form = GradeForm(request.POST, prefix=f"a{answer.pk}")
    if not form.is_valid():
        messages.error(request, _("Give a mark between 0 and 100."))
        return redirect("assessments:grading")
    services.grade_answer(
        answer,
        fraction=form.cleaned_data["mark"] / 100,
        comment=form.cleaned_data["comment"],
        by=request.user,
    )
    messages.success(request, _("The answer is graded."))
    return redirect("assessments:grading")
