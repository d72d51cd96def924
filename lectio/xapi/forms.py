from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from lectio.xapi.models import SCOPES, ForwardingEndpoint


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, scope) for scope in SCOPES],
        initial=["statements/write", "statements/read/mine"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the client may do; “all” allows everything."),
    )


class EndpointForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(
        label=_("Endpoint"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The LRS's base address, such as https://lrs.example.com/xapi/."),
    )
    password = forms.CharField(
        label=_("Secret (password)"), max_length=255, widget=forms.PasswordInput
    )
    start = forms.ChoiceField(
        label=_("Forward"),
        choices=[
            ("all", _("every statement stored here, the oldest first")),
            ("new", _("only statements stored from now on")),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ForwardingEndpoint
        fields = ["name", "url", "username", "password", "version", "is_active"]
