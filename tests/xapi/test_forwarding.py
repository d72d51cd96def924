"""Forwarding stored statements to an external LRS: a real HTTP receiver on 127.0.0.1
checks each batch (with the LRS's own validator), failures back off, a delivery log."""

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from lectio.xapi import forwarding, services, tasks, validation
from lectio.xapi.models import Delivery, ForwardingEndpoint, Statement
from tests.helpers import client_for, run_worker
from tests.xapi.conftest import statement


class Receiver:
    """A tiny LRS Statements resource: validates and keeps what it is sent (by id, so a
    batch sent twice is stored once), or answers with ``fail`` when set."""

    def __init__(self) -> None:
        self.batches: list[list[dict]] = []
        self.headers: list = []
        self.stored: dict[str, dict] = {}
        self.fail: int | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.headers.append(self.headers)
                if receiver.fail:
                    self._answer(receiver.fail, b"the store is down")
                    return
                batch = json.loads(body)
                try:
                    for item in batch:
                        validation.statement(item)
                except validation.StatementError as exc:
                    self._answer(400, str(exc).encode())
                    return
                receiver.batches.append(batch)
                receiver.stored.update({item["id"]: item for item in batch})
                self._answer(200, json.dumps([item["id"] for item in batch]).encode())

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def _endpoint(url: str, **fields) -> ForwardingEndpoint:
    return ForwardingEndpoint.objects.create(
        name="Analytics", url=url, username="key", password="secret", **fields
    )


def _store(count: int, *, ago: timedelta = timedelta(minutes=5)) -> list[str]:
    client, _secret = services.create_client("Content", scopes=["all"])
    ids: list[str] = []
    for start in range(0, count, 100):
        batch = [
            statement(object={"id": f"https://lectio.test/a/{n}", "objectType": "Activity"})
            for n in range(start, min(count, start + 100))
        ]
        ids += services.store_statements(batch, client=client)
    Statement.objects.filter(statement_id__in=ids).update(stored=timezone.now() - ago)
    return ids


def test_it_forwards_statements_in_batches_in_stored_order_with_their_ids(db, receiver):
    ids = _store(250)
    endpoint = _endpoint(receiver.url)
    assert forwarding.forward_due() == 250
    assert [len(batch) for batch in receiver.batches] == [100, 100, 50]
    sent = [item["id"] for batch in receiver.batches for item in batch]
    assert sent == ids
    token = base64.b64encode(b"key:secret").decode()
    assert receiver.headers[0]["Authorization"] == f"Basic {token}"
    assert receiver.headers[0]["X-Experience-API-Version"] == "1.0.3"
    log = list(Delivery.objects.order_by("pk"))
    assert [(d.count, d.ok, d.status_code) for d in log] == [(100, True, 200)] * 2 + [
        (50, True, 200)
    ]
    endpoint.refresh_from_db()
    assert endpoint.cursor_seq == Statement.objects.get(statement_id=ids[-1]).seq
    # Nothing new: nothing sent; a new statement: only it.
    assert forwarding.forward_due() == 0
    later = _store(1, ago=timedelta(minutes=1))
    assert forwarding.forward_due() == 1
    assert [item["id"] for item in receiver.batches[-1]] == later


def test_it_waits_for_statements_to_settle(db, receiver):
    _store(3, ago=timedelta(seconds=2))
    _endpoint(receiver.url)
    assert forwarding.forward_due() == 0
    assert forwarding.forward_due(now=timezone.now() + timedelta(seconds=15)) == 3


def test_a_failing_receiver_backs_off_exponentially_and_nothing_is_lost(db, receiver):
    ids = _store(120)
    endpoint = _endpoint(receiver.url)
    receiver.fail = 503
    now = timezone.now()
    assert forwarding.forward_due(now=now) == 0
    endpoint.refresh_from_db()
    assert (endpoint.failures, endpoint.next_attempt_at) == (1, now + timedelta(minutes=1))
    failed = Delivery.objects.get()
    assert (failed.ok, failed.status_code, failed.count) == (False, 503, 100)
    assert failed.error == "the store is down"
    # Backing off: not tried before the delay is over; then 2, 4 minutes.
    assert forwarding.forward_due(now=now + timedelta(seconds=59)) == 0
    assert Delivery.objects.count() == 1
    assert forwarding.forward_due(now=now + timedelta(minutes=1)) == 0
    endpoint.refresh_from_db()
    assert endpoint.next_attempt_at == now + timedelta(minutes=3)
    assert forwarding.forward_due(now=now + timedelta(minutes=3)) == 0
    endpoint.refresh_from_db()
    assert endpoint.next_attempt_at == now + timedelta(minutes=7)
    assert endpoint.cursor_stored is None  # the cursor never moved
    receiver.fail = None
    assert forwarding.forward_due(now=now + timedelta(minutes=7)) == 120
    assert list(receiver.stored) == ids
    endpoint.refresh_from_db()
    assert (endpoint.failures, endpoint.next_attempt_at) == (0, None)
    assert forwarding.delay_after(30) == timedelta(hours=6)


def test_an_unreachable_receiver_is_logged_without_a_response_code(db):
    _store(1)
    receiver = Receiver()
    url = receiver.url
    receiver.close()  # nobody listens there any more
    endpoint = _endpoint(url)
    assert forwarding.forward_due() == 0
    failed = Delivery.objects.get()
    assert failed.status_code is None and failed.error and not failed.ok
    endpoint.refresh_from_db()
    assert endpoint.failures == 1


def test_a_disabled_endpoint_gets_nothing(db, receiver):
    _store(2)
    _endpoint(receiver.url, is_active=False)
    assert forwarding.forward_due() == 0 and receiver.batches == []


def test_a_batch_sent_twice_is_stored_once_by_the_receiver(db, receiver):
    ids = _store(2)
    endpoint = _endpoint(receiver.url)
    assert forwarding.forward_due() == 2
    # A crash after the receiver stored it, before the cursor moved: sent again.
    ForwardingEndpoint.objects.filter(pk=endpoint.pk).update(cursor_stored=None, cursor_seq=0)
    assert forwarding.forward_due() == 2
    assert len(receiver.batches) == 2 and list(receiver.stored) == ids


def test_the_worker_forwards_through_its_task(transactional_db, receiver):
    _store(5)
    _endpoint(receiver.url)
    tasks.forward_statements.enqueue()
    run_worker()
    assert len(receiver.stored) == 5


def test_an_administrator_configures_endpoints_and_sees_the_log(cast, receiver):
    http = client_for(cast.admin)
    response = http.post(
        "/xapi/forwarding/",
        {
            "name": "Analytics",
            "url": receiver.url,
            "username": "k",
            "password": "s",
            "version": "2.0.0",
            "is_active": "on",
            "start": "all",
        },
    )
    assert response.status_code == 302
    endpoint = ForwardingEndpoint.objects.get()
    assert (endpoint.version, endpoint.password, endpoint.is_active) == ("2.0.0", "s", True)
    _store(1)
    forwarding.forward_due()
    assert receiver.headers[0]["X-Experience-API-Version"] == "2.0.0"
    page = http.get("/xapi/forwarding/").content.decode()
    assert "Analytics" in page and "Delivered" in page
    assert http.post(f"/xapi/forwarding/{endpoint.pk}/toggle/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active is False


def test_an_endpoint_added_for_new_statements_gets_none_stored_before(cast, receiver):
    before = _store(3)
    form = {"name": "New only", "url": receiver.url, "username": "k", "password": "s"}
    form |= {"version": "1.0.3", "is_active": "on", "start": "new"}
    assert client_for(cast.admin).post("/xapi/forwarding/", form).status_code == 302
    after = _store(2, ago=timedelta(minutes=1))
    forwarding.forward_due()
    sent = list(receiver.stored)
    assert sorted(sent) == sorted(after) and not set(sent) & set(before)


def test_an_endpoint_needs_to_say_where_forwarding_starts(cast, receiver):
    form = {"name": "X", "url": receiver.url, "username": "k", "password": "s"}
    response = client_for(cast.admin).post("/xapi/forwarding/", form | {"version": "1.0.3"})
    assert response.status_code == 400
    assert "start" in response.context["form"].errors
    assert not ForwardingEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://lrs.example.com/xapi/", "file:///etc/passwd", ""]
)
def test_a_bad_endpoint_is_refused_and_nothing_is_stored(cast, url):
    response = client_for(cast.admin).post(
        "/xapi/forwarding/",
        {"name": "X", "url": url, "username": "k", "password": "s", "version": "1.0.3"},
    )
    assert response.status_code == 400
    assert "url" in response.context["form"].errors
    assert not ForwardingEndpoint.objects.exists()


def test_only_administrators_see_the_forwarding_page(cast):
    assert client_for(cast.learner).get("/xapi/forwarding/").status_code == 403
    assert client_for(cast.instructor).post("/xapi/forwarding/", {}).status_code == 403
    assert client_for(cast.admin).get("/xapi/forwarding/").status_code == 200


def test_a_lectio_lrs_accepts_the_batches_and_a_resent_one_is_a_no_op(live_server):
    """The receiver is a real Lectio LRS (the live server, sharing this database: the
    statements are already there, so it checks them and treats them as the same)."""
    ids = _store(3)
    client, secret = services.create_client("Upstream", scopes=["all"])
    endpoint = _endpoint(f"{live_server.url}/xapi/")
    ForwardingEndpoint.objects.filter(pk=endpoint.pk).update(username=client.key, password=secret)
    assert forwarding.forward_due() == 3
    delivered = Delivery.objects.get()
    assert (delivered.ok, delivered.status_code, delivered.count) == (True, 200, 3)
    assert Statement.objects.filter(statement_id__in=ids).count() == 3
    # Wrong credentials: refused by the LRS, logged with its code and message.
    ForwardingEndpoint.objects.filter(pk=endpoint.pk).update(
        password="wrong", cursor_stored=None, cursor_seq=0
    )
    assert forwarding.forward_due() == 0
    refused = Delivery.objects.order_by("-pk").first()
    assert (refused.ok, refused.status_code) == (False, 401)
