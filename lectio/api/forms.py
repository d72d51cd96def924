from django import forms
from django.utils.translation import gettext_lazy as _

from lectio.accounts.models import User
from lectio.api.models import Event, Scope

EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("One year")),
    ("", _("Never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “HR sync”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_in = forms.ChoiceField(
        label=_("Expires after"), choices=EXPIRY_CHOICES, required=False, initial="90"
    )


class ServiceTokenForm(TokenForm):
    person = forms.EmailField(
        label=_("Acts as"),
        help_text=_(
            "The e-mail address of the service account (or person) whose rights the token "
            "carries, narrowed by its scopes."
        ),
    )

    def clean_person(self) -> User:
        email = self.cleaned_data["person"].strip().lower()
        person: User | None = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("No active person has this e-mail address."))
        return person


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Events are POSTed here as signed JSON."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
