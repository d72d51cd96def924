"""Compliance reports for administrators (everyone) and managers (their team): by course,
by department, completions over time, the overdue list, and exports."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from lectio import exports
from lectio.accounts.forms import DepartmentChoiceField
from lectio.accounts.permissions import AuthenticatedRequest, can_view_people, requires
from lectio.assignments.forms import managed_departments
from lectio.assignments.models import Obligation
from lectio.catalog.models import Course
from lectio.reports import queries
from lectio.reports.models import Subscription

PER_PAGE = 50
viewers_only = requires(can_view_people)  # administrators and managers


class ReportFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.order_by("title"), required=False
    )
    department = DepartmentChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Obligation.Status.choices],
        required=False,
    )


def _filtered(request: AuthenticatedRequest) -> tuple[ReportFilterForm, QuerySet[Obligation]]:
    form = ReportFilterForm(request.GET or None)
    form.fields["department"].queryset = managed_departments(request.user)  # type: ignore[attr-defined]
    obligations = queries.obligations_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["course"]:
            obligations = obligations.filter(course=data["course"])
        if data["department"]:
            obligations = obligations.filter(
                user__department__path__startswith=data["department"].path
            )
        if data["status"]:
            obligations = obligations.filter(status=data["status"])
    return form, obligations


def _query(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@viewers_only
@require_safe
def overview(request: AuthenticatedRequest) -> HttpResponse:
    form, obligations = _filtered(request)
    departments, everyone = queries.by_department(obligations)
    months = queries.completions_by_month(obligations)
    context: dict[str, Any] = {
        "form": form,
        "query": _query(request),
        "courses": queries.by_course(obligations),
        "departments": departments,
        "everyone": everyone,
        "months": months,
        "chart_width": len(months) * 100,
        "subscribe_form": SubscribeForm(),
        "subscriptions": Subscription.objects.filter(user=request.user).select_related(
            "course", "department"
        ),
    }
    return render(request, "reports/overview.html", context)


class SubscribeForm(forms.Form):
    every = forms.ChoiceField(label=_("How often"), choices=Subscription.Every.choices)


@viewers_only
@require_POST
def subscribe(request: AuthenticatedRequest) -> HttpResponse:
    """E-mail me this report (with the filters in use) every week or month."""
    form = SubscribeForm(request.POST)
    filters, _obligations = _filtered(request)
    if form.is_valid() and filters.is_valid():
        Subscription.objects.create(
            user=request.user,
            every=form.cleaned_data["every"],
            course=filters.cleaned_data["course"],
            department=filters.cleaned_data["department"],
        )
        messages.success(request, _("You will get this report by e-mail."))
    else:
        messages.error(request, _("Choose how often."))
    return redirect("reports:overview")


@viewers_only
@require_POST
def unsubscribe(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    Subscription.objects.filter(pk=pk, user=request.user).delete()
    messages.success(request, _("You will no longer get this report by e-mail."))
    return redirect("reports:overview")


@viewers_only
@require_safe
def overdue(request: AuthenticatedRequest) -> HttpResponse:
    form, obligations = _filtered(request)
    late = (
        obligations.filter(status=Obligation.Status.OVERDUE)
        .select_related("user__department", "course")
        .order_by("due_at", "pk")
    )
    page = Paginator(late, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for obligation in page.object_list:
        obligation.days_late = (now - obligation.due_at).days if obligation.due_at else 0  # type: ignore[attr-defined]
    return render(
        request,
        "reports/overdue.html",
        {"form": form, "page": page, "query": _query(request)},
    )


def _filename(extension: str) -> str:
    return f"compliance-{timezone.localdate().isoformat()}.{extension}"


@viewers_only
@require_safe
def export_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    _form, obligations = _filtered(request)
    return exports.csv_response(
        queries.EXPORT_HEADER, queries.export_rows(obligations), _filename("csv")
    )


@viewers_only
@require_safe
def export_xlsx(request: AuthenticatedRequest) -> FileResponse:
    _form, obligations = _filtered(request)
    return exports.xlsx_response(
        queries.EXPORT_HEADER,
        queries.export_rows(obligations),
        _filename("xlsx"),
        sheet="Compliance",
    )
