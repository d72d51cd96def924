"""State, Activity Profile and Agent Profile resources (xAPI 1.0.3 Part Three 2.3-2.6):
ETag, If-Match / If-None-Match, JSON merge on POST, listing with since, DELETE."""

import json
import uuid
from hashlib import sha1

import pytest
from django.utils import timezone

from lectio.xapi import services
from lectio.xapi.models import Document

ACTIVITY = "https://lectio.test/course/1"
AGENT = json.dumps({"mbox": "mailto:ada@example.com"})
STATE = f"activityId={ACTIVITY}&agent={AGENT}"


def test_it_stores_and_returns_a_state_document_with_etag_and_content_type(lrs):
    response = lrs.put(
        "activities/state", b"bookmark=3", params=f"{STATE}&stateId=s1", content_type="text/plain"
    )
    assert response.status_code == 204
    got = lrs.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s1"})
    assert got.status_code == 200 and got.content == b"bookmark=3"
    assert got["Content-Type"] == "text/plain"
    digest = sha1(b"bookmark=3").hexdigest()  # noqa: S324 - the spec's ETag is a SHA-1
    assert got["ETag"] == f'"{digest}"'
    assert got["Last-Modified"]


def test_it_answers_404_for_a_missing_document(lrs):
    missing = lrs.get(
        "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "none"}
    )
    assert missing.status_code == 404


def test_it_keeps_state_per_registration(lrs):
    registration = str(uuid.uuid4())
    lrs.put("activities/state", {"a": 1}, params=f"{STATE}&stateId=s&registration={registration}")
    lrs.put("activities/state", {"a": 2}, params=f"{STATE}&stateId=s")
    with_registration = {
        "activityId": ACTIVITY,
        "agent": AGENT,
        "stateId": "s",
        "registration": registration,
    }
    assert lrs.get("activities/state", with_registration).json() == {"a": 1}
    assert lrs.get(
        "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}
    ).json() == {"a": 2}


def test_it_requires_activity_id_and_a_valid_agent(lrs):
    assert lrs.get("activities/state", {"agent": AGENT, "stateId": "s"}).status_code == 400
    assert (
        lrs.get(
            "activities/state", {"activityId": ACTIVITY, "agent": "{}", "stateId": "s"}
        ).status_code
        == 400
    )
    bad = {"activityId": ACTIVITY, "agent": AGENT, "registration": "x", "stateId": "s"}
    assert lrs.get("activities/state", bad).status_code == 400


def test_it_merges_json_objects_on_post(lrs):
    lrs.post("activities/state", {"a": 1, "b": 1}, params=f"{STATE}&stateId=s")
    assert (
        lrs.post("activities/state", {"b": 2, "c": 3}, params=f"{STATE}&stateId=s").status_code
        == 204
    )
    got = lrs.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"})
    assert got.json() == {"a": 1, "b": 2, "c": 3}


def test_it_refuses_to_merge_when_either_document_is_not_a_json_object(lrs):
    lrs.put("activities/state", b"plain", params=f"{STATE}&stateId=t", content_type="text/plain")
    assert lrs.post("activities/state", {"b": 2}, params=f"{STATE}&stateId=t").status_code == 400
    lrs.post("activities/state", {"a": 1}, params=f"{STATE}&stateId=j")
    assert lrs.post("activities/state", "[1, 2]", params=f"{STATE}&stateId=j").status_code == 400
    got = lrs.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "j"})
    assert got.json() == {"a": 1}


def test_it_lists_state_ids_since_a_time(lrs):
    lrs.put("activities/state", {"x": 1}, params=f"{STATE}&stateId=old")
    between = timezone.now().isoformat()
    lrs.put("activities/state", {"x": 1}, params=f"{STATE}&stateId=new")
    listed = lrs.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT})
    assert listed.json() == ["new", "old"]
    since = lrs.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "since": between})
    assert since.json() == ["new"]


def test_it_deletes_one_state_or_all_of_an_activity_and_agent(lrs):
    for name in ("a", "b", "c"):
        lrs.put("activities/state", {"x": 1}, params=f"{STATE}&stateId={name}")
    assert lrs.delete("activities/state", f"{STATE}&stateId=a").status_code == 204
    assert Document.objects.count() == 2
    assert lrs.delete("activities/state", STATE).status_code == 204
    assert not Document.objects.exists()


def test_it_honours_if_match_and_if_none_match_with_412(lrs):
    params = f"{STATE}&stateId=s"
    assert (
        lrs.put("activities/state", {"v": 1}, params=params, **{"If-None-Match": "*"}).status_code
        == 204
    )
    assert (
        lrs.put("activities/state", {"v": 2}, params=params, **{"If-None-Match": "*"}).status_code
        == 412
    )
    etag = lrs.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"})[
        "ETag"
    ]
    assert (
        lrs.put("activities/state", {"v": 3}, params=params, **{"If-Match": '"0000"'}).status_code
        == 412
    )
    assert (
        lrs.put("activities/state", {"v": 3}, params=params, **{"If-Match": etag}).status_code
        == 204
    )
    missing = f"{STATE}&stateId=none"
    assert (
        lrs.put("activities/state", {"v": 1}, params=missing, **{"If-Match": etag}).status_code
        == 412
    )


@pytest.mark.parametrize(
    ("path", "base"),
    [
        ("activities/profile", f"activityId={ACTIVITY}"),
        ("agents/profile", f"agent={AGENT}"),
    ],
)
def test_it_requires_a_precondition_to_put_over_an_existing_profile(lrs, path, base):
    params = f"{base}&profileId=p"
    assert lrs.put(path, {"v": 1}, params=params).status_code == 204  # new: no header needed
    assert lrs.put(path, {"v": 2}, params=params).status_code == 409
    etag = lrs.get(path, dict(pair.split("=", 1) for pair in params.split("&")))["ETag"]
    assert lrs.put(path, {"v": 2}, params=params, **{"If-Match": etag}).status_code == 204
    assert lrs.post(path, {"w": 3}, params=params).status_code == 204  # POST merges
    got = lrs.get(path, dict(pair.split("=", 1) for pair in params.split("&")))
    assert got.json() == {"v": 2, "w": 3}
    assert lrs.get(path, dict(pair.split("=", 1) for pair in base.split("&"))).json() == ["p"]
    assert lrs.delete(path, params, **{"If-Match": '"nope"'}).status_code == 412
    assert lrs.delete(path, params).status_code == 204
    assert lrs.delete(path, base).status_code == 400  # a profile is deleted by its id


def test_it_refuses_unknown_document_parameters(lrs):
    response = lrs.get("activities/profile", {"activityId": ACTIVITY, "stateId": "x"})
    assert response.status_code == 400 and "stateId" in response.json()["error"]


def test_it_offers_get_state_and_put_state_to_other_apps(db):
    agent = {"account": {"homePage": "https://lectio.test", "name": "42"}}
    registration = str(uuid.uuid4())
    assert services.get_state(ACTIVITY, agent, "LMS.LaunchData", registration=registration) is None
    services.put_state(
        ACTIVITY, agent, "LMS.LaunchData", {"launchMode": "Normal"}, registration=registration
    )
    assert services.get_state(ACTIVITY, agent, "LMS.LaunchData", registration=registration) == {
        "launchMode": "Normal"
    }
