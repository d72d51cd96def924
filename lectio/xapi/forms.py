from django import forms
from django.utils.translation import gettext_lazy as _

from lectio.xapi.models import SCOPES


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, scope) for scope in SCOPES],
        initial=["statements/write", "statements/read/mine"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the client may do; “all” allows everything."),
    )
