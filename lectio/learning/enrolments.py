"""Administrators manage a course's enrolments: enrol people, change access windows."""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.accounts.forms import AddMembersForm
from lectio.accounts.permissions import AuthenticatedRequest, is_administrator, requires
from lectio.catalog.models import Course
from lectio.learning import services
from lectio.learning.models import Enrollment

PER_PAGE = 50
administrators_only = requires(is_administrator)


class EnrolForm(AddMembersForm):
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        help_text=_("Optional. Due at the end of that day in each person's own time zone."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)

    def clean_due_on(self) -> date | None:
        due_on: date | None = self.cleaned_data["due_on"]
        if due_on is not None and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date has already passed."))
        return due_on


class AccessForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Access starts"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Access ends"),
        required=False,
        help_text=_("Leave empty for no end."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


@administrators_only
def course_enrolments(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.enroll_people(
                course, data["emails"], due_on=data["due_on"], mandatory=data["mandatory"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)s enrolled.") % {"count": added})
            return redirect("learning:enrolments", slug=course.slug)
    enrollments = (
        Enrollment.objects.filter(course=course).select_related("user").order_by("user__full_name")
    )
    page = Paginator(enrollments, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "learning/enrolments.html", {"course": course, "form": form, "page": page}
    )


@administrators_only
def enrolment_access(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment.objects.select_related("user", "course"), pk=pk)
    initial: dict[str, Any] = {
        "starts_at": enrollment.access_starts_at,
        "ends_at": enrollment.access_ends_at,
    }
    form = AccessForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_access(
                enrollment,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                by=request.user,
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The access window is changed."))
            return redirect("learning:enrolments", slug=enrollment.course.slug)
    changes = enrollment.access_changes.select_related("changed_by")
    return render(
        request,
        "learning/enrolment_access.html",
        {"enrollment": enrollment, "form": form, "changes": changes},
    )
