"""An attestation: a statement or policy the learner confirms ("I have read and
understood"). The outline carries the text, the confirmation sentence and their digest,
so the evidence can name exactly what the person was shown."""

import hashlib
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from lectio.catalog.sanitize import clean_html

# Used when the lesson's content has no sentence of its own (e.g. built by a service):
# always this English sentence, never the publisher's interface language.
DEFAULT_CONFIRMATION = gettext_noop(
    "I have read and understood this policy and agree to follow it."
)


class ContentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Statement or policy"),
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        help_text=gettext_lazy(
            "Basic HTML: paragraphs, headings, lists, links, tables, emphasis. "
            "Anything else is removed."
        ),
    )
    confirmation = forms.CharField(
        label=gettext_lazy("Confirmation sentence"),
        max_length=500,
        initial=gettext_lazy(DEFAULT_CONFIRMATION),
        help_text=gettext_lazy("The learner ticks this sentence to confirm."),
    )

    def clean_text(self) -> str:
        return clean_html(self.cleaned_data["text"])

    def clean_confirmation(self) -> str:
        return " ".join(self.cleaned_data["confirmation"].split())


def digest(text: str, confirmation: str) -> str:
    """sha256 (hex) of the UTF-8 text, a NUL byte, and the UTF-8 confirmation sentence:
    anyone holding the evidence can recompute it."""
    return hashlib.sha256(f"{text}\0{confirmation}".encode()).hexdigest()


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    text = clean_html(content.get("text") or "")
    confirmation = " ".join(str(content.get("confirmation") or "").split())
    confirmation = confirmation or DEFAULT_CONFIRMATION
    return {"text": text, "confirmation": confirmation, "digest": digest(text, confirmation)}


def problems(content: dict[str, Any]) -> list[str]:
    return [] if content.get("text") else [_("The attestation has no text yet.")]
