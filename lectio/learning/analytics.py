"""Video engagement for the course's authors: a heatmap of what is watched, rewatched and
skipped, and the drop-off curve (share of viewers still there at each moment)."""

import math
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.catalog.models import Lesson
from lectio.catalog.permissions import can_edit_course
from lectio.learning.models import VideoEngagement

BARS = 120
WIDTH, HEIGHT = 960, 160


@require_safe
def lesson_analytics(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("course"), pk=pk, kind="video")
    if not can_edit_course(request.user, lesson.course):
        raise Http404
    engagement = VideoEngagement.objects.filter(lesson=lesson).first()
    context: dict[str, Any] = {"lesson": lesson, "engagement": engagement}
    if engagement is not None and engagement.plays:
        context.update(_charts(engagement))
    return render(request, "learning/analytics.html", context)


def _charts(engagement: VideoEngagement) -> dict[str, Any]:
    plays, viewers = engagement.plays, engagement.viewers
    size = max(1, math.ceil(len(plays) / BARS))
    buckets = [plays[i : i + size] for i in range(0, len(plays), size)]
    averages = [sum(b) / len(b) for b in buckets]
    top = max(averages) or 1
    width = WIDTH / len(buckets)
    bars = [
        {
            "x": round(i * width, 2),
            "width": round(max(width - 1, 1), 2),
            "height": round(value / top * HEIGHT, 2),
            "y": round(HEIGHT - value / top * HEIGHT, 2),
            "from": i * size,
            "plays": round(value, 1),
        }
        for i, value in enumerate(averages)
    ]
    people = engagement.people or 1
    step = WIDTH / max(len(viewers) - 1, 1)
    curve = " ".join(
        f"{round(i * step, 2)},{round(HEIGHT - v / people * HEIGHT, 2)}"
        for i, v in enumerate(viewers)
    )
    halfway = next((i for i, v in enumerate(viewers) if v < people / 2), None)
    return {
        "bars": bars,
        "curve": curve,
        "width": WIDTH,
        "height": HEIGHT,
        "half_left_at": halfway,
        "finished": round(viewers[-1] / people * 100) if viewers else 0,
    }
