"""A page of text written by the author."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lectio.catalog.sanitize import clean_html


class ContentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        help_text=gettext_lazy(
            "Basic HTML: paragraphs, headings, lists, links, tables, emphasis. "
            "Anything else is removed."
        ),
    )

    def clean_body(self) -> str:
        return clean_html(self.cleaned_data["body"])


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    return {"body": content.get("body", "")}


def problems(content: dict[str, Any]) -> list[str]:
    return [] if content.get("body") else [_("The page has no text yet.")]
