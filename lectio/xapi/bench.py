"""Statements for the benchmark suite's data set (``bench/dataset.py`` calls
:func:`generate_statements` by name): many statements written with bulk inserts, each row
and its links built by the same helpers :func:`services.store_statements` uses, so the
queries the suite measures read exactly what the LRS would have stored.

What the load driver needs to query them (the agents, verbs and activities) is named by
the plain functions below, which import nothing from Django."""

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

VERBS = (
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://adlnet.gov/expapi/verbs/initialized",
    "http://adlnet.gov/expapi/verbs/terminated",
    "http://adlnet.gov/expapi/verbs/launched",
)
BATCH = 5000  # statements per transaction
DAYS = 365  # statements are spread over the last year, stored in order


def agent(number: int) -> dict[str, str]:
    """The data set's person ``number`` (``p<number>@bench.test``) as an xAPI Agent."""
    return {"objectType": "Agent", "mbox": f"mailto:p{number}@bench.test"}


def activity(number: int) -> str:
    return f"https://lectio.test/bench/activities/{number}"


def statement(rng: random.Random, agents: int, activities: int) -> dict[str, Any]:
    """A statement as a learning tool would send it (the driver's batch POSTs too)."""
    data: dict[str, Any] = {
        "actor": agent(rng.randrange(agents)),
        "verb": {"id": rng.choice(VERBS)},
        "object": {"objectType": "Activity", "id": activity(rng.randrange(activities))},
        "result": {"score": {"scaled": round(rng.random(), 2)}, "completion": True},
    }
    if rng.random() < 0.33:
        data["context"] = {
            "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "contextActivities": {"parent": [{"id": activity(rng.randrange(activities))}]},
        }
    return data


def generate_statements(count: int, seed: int, *, agents: int, activities: int) -> dict[str, Any]:
    """``count`` statements by ``agents`` people about ``activities`` activities, stored
    over the last year; returns the LRS credentials and what the driver queries by."""
    from django.db import transaction
    from django.utils import timezone

    from lectio.xapi import services

    client, secret = services.create_client("Bench load", scopes=["all"])
    authority = client.authority()
    rng = random.Random(seed)  # noqa: S311 - made-up data, repeatable
    now = timezone.now()
    first = now - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / max(1, count)
    for start in range(0, count, BATCH):
        rows: list[dict[str, Any]] = []
        link_sets: list[tuple[set[str], set[str], set[str]]] = []
        for n in range(start, min(count, start + BATCH)):
            stored: datetime = first + step * n
            data = statement(rng, agents, activities)
            services._normalise(data)
            data["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            data["timestamp"] = data["stored"] = stored.isoformat()
            data["authority"] = authority
            data["version"] = "1.0.0"
            rows.append(services._columns(data, stored, client))
            link_sets.append((*services._links(data), services._members(data)))
        with transaction.atomic():
            services.write_rows(rows, link_sets)
    # The newest tenth of the store: the driver's ``since`` (a typical incremental fetch).
    since = first + step * (count - count // 10)
    return {
        "key": client.key,
        "secret": secret,
        "agents": agents,
        "activities": activities,
        "since": since.isoformat(),
        "count": count,
    }
