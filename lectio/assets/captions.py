"""Caption files: WebVTT as it is, SRT converted to WebVTT, both checked line by line.

The checks are the ones a player trips over: the WEBVTT header, cue timings in the form
``00:01:02.500 --> 00:01:05.000`` with the end after the start, cues in time order, and
(when the video's length is known) no cue starting after the video ends."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

TIMING = re.compile(
    r"^(?P<start>(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{3})\s+-->\s+(?P<end>(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{3})(?P<settings>.*)$"
)
MAX_BYTES = 1024 * 1024


@dataclass
class CaptionProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class CaptionError(Exception):
    def __init__(self, problems: list[CaptionProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    hours, minutes, rest = parts
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def to_webvtt(data: bytes, *, duration: float | None = None) -> str:
    """The caption file as checked WebVTT text; CaptionError lists every problem found."""
    if len(data) > MAX_BYTES:
        raise CaptionError([CaptionProblem(0, _("The file is larger than 1 MB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaptionError(
            [CaptionProblem(text_line(data, exc.start), _("The file is not UTF-8 encoded."))]
        ) from exc
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    is_vtt = lines[0].startswith("WEBVTT")
    if not is_vtt and not any("-->" in line for line in lines):
        raise CaptionError(
            [CaptionProblem(1, _("This is neither WebVTT (it must start with WEBVTT) nor SRT."))]
        )
    if not is_vtt and lines[0].strip() and not lines[0].strip().isdigit() and "-->" not in lines[0]:
        raise CaptionError([CaptionProblem(1, _("A WebVTT file must start with the line WEBVTT."))])
    problems: list[CaptionProblem] = []
    out = ["WEBVTT", ""]
    previous_start = 0.0
    cues = 0
    index = 1 if is_vtt else 0
    while index < len(lines):
        line = lines[index].strip()
        number = index + 1
        if "-->" not in line:
            index += 1
            continue
        match = TIMING.match(line)
        if not match:
            problems.append(
                CaptionProblem(
                    number, _("The cue timing is not in the form 00:00:01.000 --> 00:00:04.000.")
                )
            )
            index += 1
            continue
        start, end = seconds(match["start"]), seconds(match["end"])
        if end <= start:
            problems.append(CaptionProblem(number, _("The cue ends before it starts.")))
        if start < previous_start:
            problems.append(CaptionProblem(number, _("The cue starts before the one above it.")))
        if duration is not None and start > duration + 1:
            problems.append(CaptionProblem(number, _("The cue starts after the video ends.")))
        previous_start = start
        body = []
        index += 1
        while index < len(lines) and lines[index].strip():
            body.append(lines[index].rstrip())
            index += 1
        if not body:
            problems.append(CaptionProblem(number, _("The cue has no text.")))
        cues += 1
        timing = f"{match['start'].replace(',', '.')} --> {match['end'].replace(',', '.')}"
        out += [timing + (match["settings"] if is_vtt else ""), *body, ""]
    if not cues and not problems:
        problems.append(CaptionProblem(1, _("The file has no captions in it.")))
    if problems:
        raise CaptionError(problems)
    return "\n".join(out)


def text_line(data: bytes, position: int) -> int:
    return data[:position].count(b"\n") + 1
