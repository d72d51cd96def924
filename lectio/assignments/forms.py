from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.accounts.forms import DepartmentChoiceField
from lectio.accounts.models import Department, Group, User
from lectio.assignments.models import Assignment, Obligation
from lectio.catalog.models import Course, LearningPath


class DepartmentsField(forms.ModelMultipleChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


def managed_departments(user: User) -> "Any":
    """The departments a person may assign to: all (administrator), or their subtrees."""
    if user.is_administrator:
        return Department.objects.order_by("path")
    paths = Department.objects.filter(manager=user).values_list("path", flat=True)
    within = Q(pk__in=[])
    for path in paths:
        within |= Q(path__startswith=path)
    return Department.objects.filter(within).order_by("path")


class AssignmentForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.filter(
            status=Course.Status.PUBLISHED, live_version__isnull=False
        ).order_by("title"),
        required=False,
    )
    path = forms.ModelChoiceField(
        label=_("or a programme"),
        queryset=LearningPath.objects.live().order_by("title"),
        required=False,
        help_text=_("Each required course of the programme becomes an obligation."),
    )
    emails = forms.CharField(
        label=_("People"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E-mail addresses, separated by commas, spaces or new lines."),
    )
    departments = DepartmentsField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Everyone in these departments and below, including people who join later."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"), queryset=Group.objects.order_by("name"), required=False
    )
    rule_department = DepartmentChoiceField(
        label=_("Rule: in department (and below)"), required=False
    )
    rule_location = forms.CharField(label=_("Rule: location"), required=False, max_length=200)
    rule_job_title = forms.CharField(label=_("Rule: job title"), required=False, max_length=200)
    rule_hired_after = forms.DateField(
        label=_("Rule: hired after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due = forms.ChoiceField(
        label=_("Due"), choices=Assignment.Due.choices, widget=forms.RadioSelect, initial="none"
    )
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        help_text=_("The end of that day in each person's own time zone."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_days = forms.IntegerField(label=_("Days"), required=False, min_value=1, max_value=3650)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        departments = managed_departments(user)
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]
        self.fields["rule_department"].queryset = departments  # type: ignore[attr-defined]
        if not user.is_administrator:
            del self.fields["groups"]  # groups cut across teams

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("course")) == bool(data.get("path")):
            raise forms.ValidationError(_("Choose a course or a programme."))
        return data

    def clean_emails(self) -> list[User]:
        wanted = {e.strip().lower() for e in self.cleaned_data["emails"].replace(",", " ").split()}
        people = list(User.objects.filter(email__in=wanted))
        missing = sorted(wanted - {p.email for p in people})
        if missing:
            raise forms.ValidationError(
                _("No one has these addresses: %(emails)s"), params={"emails": ", ".join(missing)}
            )
        return people

    def rule(self) -> dict[str, Any]:
        data = self.cleaned_data
        hired_after: date | None = data.get("rule_hired_after")
        department: Department | None = data.get("rule_department")
        return {
            "department": department.pk if department else None,
            "location": data.get("rule_location", "").strip(),
            "job_title": data.get("rule_job_title", "").strip(),
            "hired_after": hired_after.isoformat() if hired_after else None,
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DueForm(ReasonForm):
    due_on = forms.DateField(
        label=_("New due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The end of that day in the person's own time zone."),
    )
    field_order = ["due_on", "reason"]

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date has already passed."))
        return due_on


class MatrixFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    department = DepartmentChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Obligation.Status.choices],
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = managed_departments(user)  # type: ignore[attr-defined]
