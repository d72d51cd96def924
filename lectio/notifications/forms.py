from django import forms
from django.utils.translation import gettext_lazy as _

from lectio.notifications.models import Message


class OutboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Recipient"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Message.Status.choices], required=False
    )
    kind = forms.CharField(label=_("Kind"), required=False)


class PreferencesForm(forms.Form):
    optional_email = forms.BooleanField(
        label=_("Send me optional e-mails"),
        required=False,
        help_text=_("Digests and reminders that are not about mandatory training."),
    )
