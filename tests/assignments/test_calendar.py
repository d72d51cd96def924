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
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
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
