"""Statement requirements (xAPI 1.0.3 Part Two, 2.2-2.4): each rule refused with 400 naming
it, and nothing stored."""

import pytest

from lectio.xapi.models import Statement
from tests.xapi.conftest import statement

AGENT = {"mbox": "mailto:ada@example.com"}
ACTIVITY = {"id": "https://lectio.test/a"}
GROUP_MEMBER = {"mbox": "mailto:bob@example.com"}

INVALID = {
    "missing actor": ({"actor": None}, "actor"),
    "null value": ({"result": {"response": None}}, "must be a string"),
    "unknown top-level property": ({"colour": "blue"}, "unknown properties"),
    "id not a UUID": ({"id": "not-a-uuid"}, "UUID"),
    "agent with no IFI": ({"actor": {"name": "Ada"}}, "exactly one of mbox"),
    "agent with two IFIs": (
        {"actor": {"mbox": "mailto:a@b.c", "openid": "https://openid.test/a"}},
        "exactly one of mbox",
    ),
    "mbox without mailto": ({"actor": {"mbox": "ada@example.com"}}, "mailto:"),
    "mbox_sha1sum not hex": ({"actor": {"mbox_sha1sum": "xyz"}}, "40 hexadecimal"),
    "openid not an IRI": ({"actor": {"openid": "not an iri"}}, "IRI"),
    "account without homePage": ({"actor": {"account": {"name": "ada"}}}, "homePage and name"),
    "account homePage not an IRL": (
        {"actor": {"account": {"homePage": "example", "name": "ada"}}},
        "IRI",
    ),
    "agent with unknown property": ({"actor": {**AGENT, "age": 3}}, "unknown properties"),
    "group objectType required": ({"actor": {"member": [AGENT]}}, "objectType 'Group'"),
    "anonymous group without members": ({"actor": {"objectType": "Group"}}, "list its members"),
    "group within a group": (
        {"actor": {"objectType": "Group", "member": [{"objectType": "Group", **AGENT}]}},
        "not Groups",
    ),
    "identified group with two IFIs": (
        {"actor": {"objectType": "Group", "mbox": "mailto:g@x.y", "openid": "https://o.test/g"}},
        "exactly one IFI",
    ),
    "verb without id": ({"verb": {"display": {"en": "did"}}}, "needs an id"),
    "verb id not an IRI": ({"verb": {"id": "completed"}}, "IRI"),
    "display key not a language tag": (
        {"verb": {"id": "https://v.test/x", "display": {"english!": "did"}}},
        "RFC 5646",
    ),
    "display value not a string": (
        {"verb": {"id": "https://v.test/x", "display": {"en": 3}}},
        "must be a string",
    ),
    "activity without id": ({"object": {"objectType": "Activity"}}, "needs an id"),
    "unknown objectType": ({"object": {"objectType": "Thing", "id": "https://x.test"}}, "must be"),
    "agent object without objectType": ({"object": AGENT}, "must be 'Agent'"),
    "statementref id not a UUID": (
        {"object": {"objectType": "StatementRef", "id": "nope"}},
        "UUID",
    ),
    "substatement in a substatement": (
        {
            "object": {
                "objectType": "SubStatement",
                "actor": AGENT,
                "verb": {"id": "https://v.test/x"},
                "object": {
                    "objectType": "SubStatement",
                    "actor": AGENT,
                    "verb": {"id": "https://v.test/x"},
                    "object": ACTIVITY,
                },
            }
        },
        "cannot contain another",
    ),
    "substatement with an id": (
        {
            "object": {
                "objectType": "SubStatement",
                "id": "9e0b3ee0-47d2-4ea6-9f7f-0b1f2f1c1c1c",
                "actor": AGENT,
                "verb": {"id": "https://v.test/x"},
                "object": ACTIVITY,
            }
        },
        "unknown properties",
    ),
    "voiding statement without a StatementRef": (
        {"verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}},
        "StatementRef",
    ),
    "scaled score above 1": ({"result": {"score": {"scaled": 1.5}}}, "between -1 and 1"),
    "scaled score below -1": ({"result": {"score": {"scaled": -1.01}}}, "between -1 and 1"),
    "raw below min": ({"result": {"score": {"raw": 1, "min": 2, "max": 5}}}, "less than min"),
    "raw above max": ({"result": {"score": {"raw": 9, "min": 2, "max": 5}}}, "greater than max"),
    "max not above min": ({"result": {"score": {"min": 5, "max": 5}}}, "greater than min"),
    "score not a number": ({"result": {"score": {"raw": "10"}}}, "JSON number"),
    "success not a boolean": ({"result": {"success": "true"}}, "boolean"),
    "duration not ISO 8601": ({"result": {"duration": "1 hour"}}, "ISO 8601 duration"),
    "extension key not an IRI": ({"result": {"extensions": {"seconds": 3}}}, "IRI"),
    "registration not a UUID": ({"context": {"registration": "abc"}}, "UUID"),
    "revision when object is an agent": (
        {"object": {"objectType": "Agent", **AGENT}, "context": {"revision": "2"}},
        "only allowed when the object is an Activity",
    ),
    "platform when object is a statementref": (
        {
            "object": {"objectType": "StatementRef", "id": "9e0b3ee0-47d2-4ea6-9f7f-0b1f2f1c1c1c"},
            "context": {"platform": "web"},
        },
        "only allowed when the object is an Activity",
    ),
    "context language not a tag": ({"context": {"language": "english language"}}, "RFC 5646"),
    "contextActivities unknown key": (
        {"context": {"contextActivities": {"siblings": [ACTIVITY]}}},
        "unknown properties",
    ),
    "team not a group": ({"context": {"team": AGENT}}, "must be 'Group'"),
    "timestamp not ISO 8601": ({"timestamp": "yesterday"}, "ISO 8601"),
    "timestamp with -00:00 offset": ({"timestamp": "2026-01-01T10:00:00-00:00"}, "-00:00"),
    "version not 1.0.x": ({"version": "0.95"}, "1.0."),
    "interaction components without interactionType": (
        {"object": {"id": "https://q.test/1", "definition": {"choices": []}}},
        "interactionType",
    ),
    "unknown interactionType": (
        {"object": {"id": "https://q.test/1", "definition": {"interactionType": "essay"}}},
        "must be one of",
    ),
    "components not allowed for the interaction type": (
        {
            "object": {
                "id": "https://q.test/1",
                "definition": {"interactionType": "true-false", "choices": [{"id": "a"}]},
            }
        },
        "not allowed for true-false",
    ),
    "duplicate component ids": (
        {
            "object": {
                "id": "https://q.test/1",
                "definition": {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
            }
        },
        "unique",
    ),
    "attachment without sha2": (
        {
            "attachments": [
                {
                    "usageType": "https://u.test",
                    "display": {"en": "x"},
                    "contentType": "text/plain",
                    "length": 1,
                }
            ]
        },
        "sha2",
    ),
    "group authority with other than two members": (
        {"authority": {"objectType": "Group", "member": [AGENT]}},
        "exactly two members",
    ),
}


@pytest.mark.parametrize("rule", list(INVALID))
def test_it_refuses_statements_breaking_a_rule_with_400_naming_it(lrs, rule):
    overrides, message = INVALID[rule]
    data = statement(**overrides)
    if overrides.get("actor") is None and "actor" in overrides:
        del data["actor"]
    response = lrs.post("statements", data)
    assert response.status_code == 400, response.content
    assert message in response.json()["error"]
    assert not Statement.objects.exists()


VALID = {
    "identified group with members": {
        "actor": {"objectType": "Group", "mbox": "mailto:team@x.test", "member": [GROUP_MEMBER]}
    },
    "anonymous group": {"actor": {"objectType": "Group", "member": [AGENT, GROUP_MEMBER]}},
    "agent as object": {"object": {"objectType": "Agent", **AGENT}},
    "substatement": {
        "object": {
            "objectType": "SubStatement",
            "actor": AGENT,
            "verb": {"id": "https://v.test/x"},
            "object": ACTIVITY,
        }
    },
    "full result": {
        "result": {
            "score": {"scaled": -0.5, "raw": 2, "min": 0, "max": 10},
            "success": False,
            "completion": True,
            "response": "b",
            "duration": "PT1H2M3.5S",
            "extensions": {"https://lectio.test/ext/intervals": [[0, 10]]},
        }
    },
    "full context": {
        "context": {
            "registration": "9e0b3ee0-47d2-4ea6-9f7f-0b1f2f1c1c1c",
            "instructor": AGENT,
            "contextActivities": {"parent": ACTIVITY, "grouping": [ACTIVITY]},
            "revision": "1",
            "platform": "Lectio",
            "language": "tr-TR",
            "statement": {
                "objectType": "StatementRef",
                "id": "9e0b3ee0-47d2-4ea6-9f7f-0b1f2f1c1c1d",
            },
        }
    },
    "interaction with components": {
        "object": {
            "id": "https://q.test/1",
            "definition": {
                "interactionType": "matching",
                "source": [{"id": "a", "description": {"en": "A"}}],
                "target": [{"id": "1"}],
                "correctResponsesPattern": ["a[.]1"],
            },
        }
    },
    "timestamp with offset": {"timestamp": "2026-01-01T10:00:00.123+03:00"},
}


@pytest.mark.parametrize("case", list(VALID))
def test_it_accepts_statements_following_the_rules(lrs, case):
    response = lrs.post("statements", statement(**VALID[case]))
    assert response.status_code == 200, response.content
    assert Statement.objects.count() == 1


def test_it_accepts_context_agents_only_with_version_2(lrs):
    extra = {"context": {"contextAgents": [{"objectType": "contextAgent", "agent": AGENT}]}}
    assert lrs.post("statements", statement(**extra)).status_code == 400
    lrs.headers["X-Experience-API-Version"] = "2.0.0"
    assert lrs.post("statements", statement(**extra)).status_code == 200
