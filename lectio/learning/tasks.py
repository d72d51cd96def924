"""Background work of learning (runs in `lectio worker`)."""

import math
from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from lectio.learning.models import LessonProgress, VideoEngagement, WatchSegment


@task()
def aggregate_video_engagement() -> int:
    """Fold the watch log into each video's per-second plays and viewers (every 15 min).

    Segments up to the highest id seen are claimed by deleting them in the same
    transaction, so two workers never count a segment twice."""
    with transaction.atomic():
        top = WatchSegment.objects.aggregate(top=Max("pk"))["top"]
        if top is None:
            return 0
        segments = list(
            WatchSegment.objects.filter(pk__lte=top).values_list("lesson_id", "start", "end")
        )
        WatchSegment.objects.filter(pk__lte=top).delete()
        by_lesson: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for lesson_id, start, end in segments:
            by_lesson[lesson_id].append((start, end))
        for lesson_id, played in by_lesson.items():
            _fold(lesson_id, played)
    return len(by_lesson)


def _fold(lesson_id: int, played: list[tuple[float, float]]) -> None:
    engagement, _created = VideoEngagement.objects.select_for_update().get_or_create(
        lesson_id=lesson_id
    )
    rows = LessonProgress.objects.filter(lesson_id=lesson_id).values_list("watched", flat=True)
    watched = [[(float(s), float(e)) for s, e in row] for row in rows if row]
    length = math.ceil(max([e for _s, e in played] + [e for w in watched for _s, e in w] + [0]))
    plays = (list(engagement.plays) + [0] * length)[: max(length, len(engagement.plays))]
    for start, end in played:
        for second in range(int(start), min(math.ceil(end), len(plays))):
            plays[second] += 1
    viewers = [0] * len(plays)
    for intervals in watched:  # people, from their merged seconds: each counts once
        for start, end in intervals:
            for second in range(int(start), min(math.ceil(end), len(viewers))):
                viewers[second] += 1
    engagement.plays, engagement.viewers = plays, viewers
    engagement.people = len(watched)
    engagement.duration = float(len(plays))
    engagement.computed_at = timezone.now()
    engagement.save()


@task()
def follow_republished_path(path_id: int) -> int:
    """After a learning path is republished: enrol the people following it (and not done
    with it) in any newly required course and recompute their progress, which completes
    the path for those the new structure is satisfied by. Idempotent; the number of
    people brought up to date."""
    from lectio.learning import paths

    return paths.follow_republished_path(path_id)
