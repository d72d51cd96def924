from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.forms.models import ModelChoiceIterator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lectio.accounts.models import Department, Group, Role, User, time_zone_names
from lectio.accounts.sso import is_sso_only
from lectio.trees import in_tree_order


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


class _TreeOrder(ModelChoiceIterator[Department]):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for department in in_tree_order(self.queryset):
            yield self.choice(department)


class DepartmentChoiceField(forms.ModelChoiceField[Department]):
    """A department picker listing the tree in reading order, indented by depth."""

    iterator = _TreeOrder

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Department.objects.all())
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Department) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class PersonChoiceField(forms.ModelChoiceField[User]):
    """Pick one active person, shown with their address (names are not unique)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>"


SSO_ONLY_MESSAGE = _(
    "Addresses at this domain sign in through single sign-on: use the “Sign in with …” "
    "button instead of a password."
)


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        email = str(self.cleaned_data["username"]).strip().lower()
        if is_sso_only(email):
            raise forms.ValidationError(SSO_ONLY_MESSAGE, code="sso_only")
        return email


class InvitationPasswordResetForm(PasswordResetForm):
    """Password reset e-mails go out in the recipient's own language."""

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"])
        if is_sso_only(email):
            raise forms.ValidationError(SSO_ONLY_MESSAGE, code="sso_only")
        return email

    def get_users(self, email: str) -> Any:
        # Unlike Django's form, people who have never set a password (invited, imported)
        # may set one here; deactivated people may not.
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        user = args[2]["user"] if len(args) > 2 else kwargs["context"]["user"]
        with translation.override(user.language):
            super().send_mail(*args, **kwargs)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # PasswordResetView passes extra_email_context=None explicitly.
        kwargs["extra_email_context"] = {
            "site_name": settings.SITE_NAME,
            **(kwargs.get("extra_email_context") or {}),
        }
        super().save(*args, **kwargs)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)


class PersonForm(forms.ModelForm[User]):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(r.value, r.label) for r in Role if r != Role.LEARNER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Everyone is a learner; these roles add to that."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    department = DepartmentChoiceField(label=_("Department"), required=False)
    send_invitation = forms.BooleanField(
        label=_("E-mail an invitation to set a password"), required=False, initial=True
    )

    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "department",
            "job_title",
            "location",
            "employee_id",
            "external_id",
            "hire_date",
            "language",
            "time_zone",
        ]
        widgets = {"hire_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["roles"] = [r.value for r in self.instance.roles if r != Role.LEARNER]
            del self.fields["send_invitation"]

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Someone else already has this e-mail address."))
        return email


class DepartmentForm(forms.ModelForm[Department]):
    parent = DepartmentChoiceField(label=_("Parent department"), required=False)
    manager = PersonChoiceField(label=_("Manager"), required=False)

    class Meta:
        model = Department
        fields = ["name", "code", "parent", "location", "manager"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A department cannot hang below itself.
            parent = self.fields["parent"]
            assert isinstance(parent, DepartmentChoiceField)
            parent.queryset = Department.objects.exclude(path__startswith=self.instance.path)


class GroupForm(forms.ModelForm[Group]):
    class Meta:
        model = Group
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AddMembersForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or more addresses, separated by commas, spaces or new lines."),
    )

    def clean_emails(self) -> list[User]:
        wanted = {e.strip().lower() for e in self.cleaned_data["emails"].replace(",", " ").split()}
        people = list(User.objects.filter(email__in=wanted))
        missing = sorted(wanted - {p.email for p in people})
        if missing:
            raise forms.ValidationError(
                _("No one has these addresses: %(emails)s"), params={"emails": ", ".join(missing)}
            )
        return people


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    department = DepartmentChoiceField(label=_("Department"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Any role")), *Role.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, DepartmentChoiceField)
        department.empty_label = _("All departments")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("people", _("People")), ("departments", _("Departments"))],
        widget=forms.RadioSelect,
        initial="people",
    )
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.LECTIO_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; split it into smaller files."),
                params={"limit": settings.LECTIO_IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        return upload
