"""Watched intervals of a video: merged into unique seconds, clamped to what is possible.

An interval is ``(start, end)`` in seconds of the media, start < end. Everything here is
pure and exhaustively tested; ``services.record_progress`` applies it.
"""

import math
from collections.abc import Iterable

Interval = tuple[float, float]


def clean(raw: Iterable[object], duration: float) -> list[Interval]:
    """Well-formed intervals inside ``[0, duration]``; anything else is dropped."""
    found: list[Interval] = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 2:
            continue
        try:
            start, end = float(item[0]), float(item[1])
        except (TypeError, ValueError):
            continue
        if not (math.isfinite(start) and math.isfinite(end)):
            continue
        start, end = max(0.0, start), min(duration, end)
        if end > start:
            found.append((start, end))
    return found


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def total(intervals: Iterable[Interval]) -> float:
    return sum(end - start for start, end in intervals)


def subtract(intervals: list[Interval], watched: list[Interval]) -> list[Interval]:
    """The parts of ``intervals`` (merged) not already in ``watched`` (merged)."""
    result: list[Interval] = []
    for start, end in intervals:
        cursor = start
        for w_start, w_end in watched:
            if w_end <= cursor or w_start >= end:
                continue
            if w_start > cursor:
                result.append((cursor, w_start))
            cursor = max(cursor, w_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def add(watched: list[Interval], incoming: list[Interval], allowance: float) -> list[Interval]:
    """``watched`` plus ``incoming``, adding at most ``allowance`` new unique seconds
    (earliest first): no one watches more than wall-clock time allows."""
    new = subtract(merge(incoming), watched)
    kept: list[Interval] = []
    budget = max(0.0, allowance)
    for start, end in new:
        if budget <= 0:
            break
        length = end - start
        # A whole interval keeps its exact end (start + length may differ in the last bit).
        kept.append((start, end) if length <= budget else (start, start + budget))
        budget -= min(length, budget)
    return merge([*watched, *kept])


def furthest_contiguous(watched: list[Interval], tolerance: float = 2.0) -> float:
    """How far from the start has been watched without a gap longer than ``tolerance``
    (what a no-skip lesson lets the learner seek up to)."""
    reach = 0.0
    for start, end in watched:
        if start > reach + tolerance:
            break
        reach = max(reach, end)
    return reach
