"""A video lesson, transcoded to HLS by the media pipeline (app ``assets``).

``content["asset"]`` is the key of the uploaded file; the assets app knows its state.
``content["chapters"]`` lists ``{"t": seconds, "title": ...}`` in time order.
"""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lectio.catalog import kinds

CHAPTER = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})\s+(.+)$")


def format_time(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class ContentForm(forms.Form):
    chapters = forms.CharField(
        label=gettext_lazy("Chapters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One chapter a line: its start time and title, e.g. “1:30 Reporting a hazard”."
        ),
    )

    threshold = forms.IntegerField(
        label=gettext_lazy("Complete after watching (% of the video)"),
        min_value=50,
        max_value=100,
        initial=90,
        help_text=gettext_lazy("Unique seconds watched count; skipping ahead does not."),
    )
    no_skip = forms.BooleanField(
        label=gettext_lazy("No skipping ahead"),
        required=False,
        help_text=gettext_lazy(
            "Learners cannot seek past the furthest point they have watched (for mandatory "
            "lessons)."
        ),
    )

    def __init__(
        self, data: Any = None, *, initial: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        content = dict(initial or {})
        chapters = content.get("chapters") or []
        content["chapters"] = "\n".join(f"{format_time(c['t'])} {c['title']}" for c in chapters)
        content["threshold"] = round(float(content.get("threshold", 0.9)) * 100)
        super().__init__(data, initial=content, **kwargs)

    def clean_threshold(self) -> float:
        return int(self.cleaned_data["threshold"]) / 100

    def clean_chapters(self) -> list[dict[str, Any]]:
        chapters: list[dict[str, Any]] = []
        problems = []
        for number, line in enumerate(str(self.cleaned_data["chapters"]).splitlines(), start=1):
            if not line.strip():
                continue
            match = CHAPTER.match(line.strip())
            if not match:
                problems.append(
                    _("Line %(line)s: write a time and a title, e.g. “1:30 Reporting a hazard”.")
                    % {"line": number}
                )
                continue
            hours, minutes, seconds, title = match.groups()
            at = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
            if int(seconds) >= 60 or (hours and int(minutes) >= 60):
                problems.append(_("Line %(line)s: that is not a valid time.") % {"line": number})
            elif chapters and at <= chapters[-1]["t"]:
                problems.append(
                    _("Line %(line)s: chapters must be in time order.") % {"line": number}
                )
            chapters.append({"t": at, "title": title.strip()[:200]})
        if problems:
            raise forms.ValidationError(problems)
        return chapters


def snapshot(content: dict[str, Any]) -> dict[str, Any]:
    return {
        **kinds.media_snapshot(content),
        "chapters": content.get("chapters", []),
        "threshold": content.get("threshold", 0.9),
        "no_skip": bool(content.get("no_skip", False)),
    }


def problems(content: dict[str, Any]) -> list[str]:
    found = kinds.media_problems(content, _("The video is not uploaded and processed yet."))
    facts = kinds.media_facts(content.get("asset"))
    duration = (facts or {}).get("public", {}).get("duration")
    if duration and any(c["t"] >= duration for c in content.get("chapters", [])):
        found.append(_("A chapter starts after the video ends."))
    return found
