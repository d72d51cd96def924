"""The benchmark data set's statements (lectio/xapi/bench.py): bulk-inserted rows the LRS
answers exactly as if they had been POSTed (same columns, links and stored JSON)."""

import json
import random

import pytest

from lectio.xapi import bench, services
from lectio.xapi.models import Statement, StatementLink
from tests.xapi.conftest import LRS

pytestmark = pytest.mark.django_db


def test_it_generates_statements_the_lrs_serves_like_posted_ones():
    made = bench.generate_statements(120, 8, agents=6, activities=4)
    assert Statement.objects.count() == 120 == made["count"]
    # Stored in order over the past year: the paging cursor and ``stored`` agree.
    stored = list(Statement.objects.order_by("seq").values_list("stored", flat=True))
    assert stored == sorted(stored) and stored[0] < stored[-1]
    lrs = LRS(made["key"], made["secret"])
    person = bench.agent(2)
    verb = Statement.objects.filter(actor_ifi__contains="p2@").values_list("verb_id", flat=True)[0]
    answer = lrs.get("statements", {"agent": json.dumps(person), "verb": verb})
    assert answer.status_code == 200
    found = answer.json()["statements"]
    expected = Statement.objects.filter(actor_ifi__contains="p2@", verb_id=verb).count()
    assert len(found) == expected >= 1
    assert all(s["actor"]["mbox"] == person["mbox"] and s["verb"]["id"] == verb for s in found)
    assert all(s["authority"]["account"]["name"] == made["key"] for s in found)
    # ``since`` keeps the newest tenth; the activity filter uses the same links.
    answer = lrs.get("statements", {"activity": bench.activity(1), "since": made["since"]})
    assert answer.status_code == 200
    assert all(s["stored"] > made["since"] for s in answer.json()["statements"])
    # The links are the ones store_statements makes for the same statement.
    row = Statement.objects.exclude(registration=None).first()
    assert row is not None
    posted_client, _secret = services.create_client("Compare", scopes=["all"])
    twin = {k: row.data[k] for k in ("actor", "verb", "object", "result", "context")}
    [twin_id] = services.store_statements([twin], client=posted_client)

    def links(statement_id: object) -> set[tuple[str, str]]:
        return set(
            StatementLink.objects.filter(statement__statement_id=statement_id).values_list(
                "kind", "value"
            )
        )

    assert links(row.statement_id) == links(twin_id)


def test_the_driver_posts_batches_the_lrs_accepts():
    made = bench.generate_statements(10, 1, agents=3, activities=2)
    lrs = LRS(made["key"], made["secret"])
    rng = random.Random(3)
    answer = lrs.post("statements", [bench.statement(rng, 3, 2) for _ in range(10)])
    assert answer.status_code == 200 and len(answer.json()) == 10
    assert Statement.objects.count() == 20
