"""Each person's due dates as a secret calendar feed."""

from datetime import date

import pytest
from django.test import Client
from icalendar import Calendar

from lectio.assignments import services
from lectio.assignments.calendar import feed_for
from tests.helpers import client_for, make_course

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_feed_lists_pending_due_dates_in_the_persons_language_and_zone(cast):
    fire = make_course(cast.instructor, "Fire Safety")
    done = make_course(cast.instructor, "Done", pages=1)
    services.create_assignment(
        fire, by=cast.admin, people=[cast.manager], due="fixed", due_on=date(2031, 3, 31)
    )
    services.create_assignment(
        done, by=cast.admin, people=[cast.manager], due="fixed", due_on=date(2031, 3, 1)
    )
    services.exempt(done.obligations.get(), by=cast.admin, reason="Not relevant to this role")
    page = client_for(cast.manager).get("/assignments/calendar/").content.decode()
    token = feed_for(cast.manager).token
    assert f"/assignments/calendar/{token}.ics" in page

    response = Client().get(f"/assignments/calendar/{token}.ics")  # no sign-in needed
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    (event,) = events
    assert str(event["summary"]) == "Son tarih: Fire Safety"  # the manager reads Turkish
    assert event.decoded("dtstart") == date(2031, 3, 31)  # the day in Istanbul
    assert event["url"].endswith(f"/courses/{fire.slug}/")


def test_a_new_address_retires_the_old_one_and_strangers_get_nothing(cast):
    old = feed_for(cast.learner).token
    client = client_for(cast.learner)
    client.post("/assignments/calendar/reset/")
    new = feed_for(cast.learner).token
    assert new != old
    assert Client().get(f"/assignments/calendar/{old}.ics").status_code == 404
    assert Client().get("/assignments/calendar/guess.ics").status_code == 404
    assert Client().get(f"/assignments/calendar/{new}.ics").status_code == 200


LONG = "Yangın güvenliği, tahliye; ve ilk yardım \\ eğitimi — " * 3


def fetch(token):
    response = Client().get(f"/assignments/calendar/{token}.ics")
    assert response.status_code == 200
    return response


def test_the_feed_is_a_valid_published_calendar_that_calendar_apps_accept(cast, settings):
    settings.SITE_URL = "https://lectio.example.com"
    course = make_course(cast.instructor, LONG.strip())
    services.create_assignment(
        course, by=cast.admin, people=[cast.learner], due="fixed", due_on=date(2031, 1, 15)
    )
    token = feed_for(cast.learner).token
    first = fetch(token)
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    raw = first.content
    # RFC 5545: CRLF line endings, lines folded at 75 octets (never inside a character).
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8
    text = raw.decode()
    assert "\r\nMETHOD:PUBLISH\r\n" in text
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT4H\r\n" in text
    assert "\r\nX-WR-CALNAME:Training due dates\r\n" in text
    assert "DTSTART;VALUE=DATE:20310115\r\n" in text
    assert "\\, tahliye\\; ve ilk yardım \\\\ eğitimi" in text.replace("\r\n ", "")

    calendar = Calendar.from_ical(raw)  # the icalendar parser reads it back whole
    assert str(calendar["version"]) == "2.0" and str(calendar["prodid"])
    assert str(calendar["method"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == f"Due: {LONG.strip()}"  # escaping undone exactly
    assert event.decoded("dtstart") == date(2031, 1, 15)
    assert event.decoded("dtend") == date(2031, 1, 16)  # all day, exclusive end
    stamp = event.decoded("dtstamp")
    assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0
    uid = str(event["uid"])
    assert uid.endswith("@lectio.example.com")
    assert str(event["transp"]) == "TRANSPARENT"
    # The UID is the same on the next fetch: apps update the event, never duplicate it.
    (again,) = Calendar.from_ical(fetch(token).content).walk("VEVENT")
    assert str(again["uid"]) == uid


def test_the_feed_of_a_deactivated_person_is_gone(cast):
    from lectio.accounts import services as accounts

    token = feed_for(cast.learner).token
    fetch(token)
    accounts.deactivate_person(cast.learner)
    assert Client().get(f"/assignments/calendar/{token}.ics").status_code == 404


def test_the_address_is_long_random_and_different_for_each_person(cast):
    learner, manager = feed_for(cast.learner).token, feed_for(cast.manager).token
    assert learner != manager and len(learner) >= 40
    assert feed_for(cast.learner).token == learner  # stable until reset
