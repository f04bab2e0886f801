"""Webhooks as a network's tool receives them: over https on loopback (a certificate of the tests' own authority),
signed, after the change committed, tried again, paused after failing, held and resent; never into a private network."""

import hashlib
import hmac
import html
import json
import re
import socket
import ssl
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import trustme

from conference.check_in import services as door
from conference.database import utcnow
from conference.extensions import db
from conference.organisations.models import OrganisationKind
from conference.registration import services as registrations
from conference.tasks import services as tasks
from conference.tasks.models import Task, WorkStatus
from conference.webhooks import services
from conference.webhooks.models import Delivery, DeliveryStatus, FailureReason, Webhook
from tests.support import applicant, form_token, log_in
from tests.support.registration import register, submit


@pytest.fixture(scope="session")
def authority():
    return trustme.CA()


@pytest.fixture
def receiver(app, tmp_path, authority):
    """An https server on 127.0.0.1 that keeps what it receives and answers each POST with the next of ``answers``
    (200 when none is left)."""
    received, answers = [], []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(answers.pop(0) if answers else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    app.config["WEBHOOK_CA_FILE"] = str(tmp_path / "ca.pem")
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["127.0.0.1"]
    yield SimpleNamespace(
        url=f"https://127.0.0.1:{server.server_address[1]}/crm/hook", received=received, answers=answers
    )
    server.shutdown()
    server.server_close()


def genuine(secret: str, header: str, body: bytes) -> bool:
    """The check the hook's page shows receivers, as they would write it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) < 300


def kinds(receiver) -> list[str]:
    return [json.loads(body)["type"] for _headers, body in receiver.received]


def run_retries() -> None:
    """What the task runner does when the pauses between attempts are over."""
    db.session.execute(sa.update(Task).where(Task.status == WorkStatus.QUEUED).values(due_at=utcnow()))
    db.session.commit()
    tasks.run_due()


def test_an_organiser_makes_a_webhook_and_their_tool_receives_each_change_signed(
    client, make_event, make_user, receiver
):
    event = make_event(capacity=1)
    organiser = make_user(events=[event])
    log_in(client, organiser)
    made = client.post(
        "/manage/webhooks/",
        data={"csrf_token": form_token(client, "/manage/webhooks/"), "scope": f"event-{event.id}", "url": receiver.url},
    )
    assert made.status_code == 303
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    secret = html.unescape(re.search(r'id="webhook-secret">([^<]+)<', page).group(1))
    assert secret.startswith("whsec_") and "HMAC-SHA256" in page
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))  # what a reader sees of the documentation
    assert "Conference-Signature lautet etwa t=1764748800,v1=5b0c…, die Zeit" in shown

    assert submit(client, event, email="nadia@example.org").status_code == 303  # the public form
    headers, body = receiver.received[0]
    assert genuine(secret, headers["Conference-Signature"], body)
    assert not genuine("whsec_another", headers["Conference-Signature"], body)
    sent = json.loads(body)
    assert sent["type"] == headers["Conference-Event"] == "registration.created"
    assert sent["event"]["slug"] == event.slug
    assert (sent["registration"]["email"], sent["registration"]["status"]) == ("nadia@example.org", "confirmed")

    waiting = registrations.register(event.id, applicant(email="ole@example.org"), utcnow(), by=None).registration
    registrations.cancel(sent["registration"]["id"], utcnow(), by=None)  # Nadia's seat goes to Ole
    assert kinds(receiver) == [
        "registration.created",
        "registration.created",
        "registration.cancelled",
        "registration.moved_up",
    ]
    assert json.loads(receiver.received[-1][1])["registration"]["id"] == waiting.id

    log = client.get(made.headers["Location"]).get_data(as_text=True)
    assert log.count("zugestellt") == 4 and log.count("registration.created") >= 2


def test_a_check_in_at_the_door_is_told_once(make_event, make_user, receiver):
    start = utcnow() - timedelta(minutes=30)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=6), registration_closes_at=start)
    services.create(make_user(events=[event]), f"event-{event.id}", receiver.url, by=None)
    person = register(event)
    door.check_in(event, door.Scan(person.check_in_code), utcnow(), by=None)
    door.check_in(event, door.Scan(person.check_in_code), utcnow(), by=None)  # refused: already in
    assert kinds(receiver) == ["registration.created", "registration.checked_in"]
    assert json.loads(receiver.received[-1][1])["registration"]["checked_in_at"]


def test_a_failed_delivery_is_tried_again_and_a_hook_that_keeps_failing_is_paused_its_owner_told(
    client, make_event, make_user, receiver, mailbox
):
    event = make_event()
    owner = make_user(events=[event], email="crm-owner@example.org")
    hook = services.create(owner, f"event-{event.id}", receiver.url, by=None)
    receiver.answers.extend([503])
    first = register(event)
    delivery = db.session.scalars(sa.select(Delivery)).one()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.QUEUED, 503, 1)
    run_retries()
    db.session.refresh(delivery)
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.SENT, 200, 2)
    assert [json.loads(body)["registration"]["id"] for _headers, body in receiver.received] == [first.id] * 2
    assert receiver.received[0][0]["Conference-Delivery"] == receiver.received[1][0]["Conference-Delivery"]

    receiver.answers.extend([500] * 100)
    for _ in range(services.PAUSE_AFTER):
        register(event)
    for _ in range(services.MAX_ATTEMPTS):
        run_retries()
    db.session.refresh(hook)
    assert hook.paused_at is not None
    failed = db.session.scalars(sa.select(Delivery).where(Delivery.status == DeliveryStatus.FAILED)).all()
    assert len(failed) == services.PAUSE_AFTER and all(d.attempts == services.MAX_ATTEMPTS for d in failed)
    (told,) = mailbox.to("crm-owner@example.org")
    assert receiver.url in told["Subject"] and f"/manage/webhooks/{hook.id}" in told.get_content()

    receiver.answers.clear()
    count = len(receiver.received)
    held = register(event)  # while paused: kept, not sent
    assert len(receiver.received) == count
    assert db.session.scalars(sa.select(Delivery.status).where(Delivery.registration_id == held.id)).one() == "held"
    log_in(client, owner)
    page = f"/manage/webhooks/{hook.id}"
    refused = client.post(
        f"{page}/deliveries/{failed[0].id}/resend", data={"csrf_token": form_token(client, page)}, follow_redirects=True
    )
    assert "pausiert" in refused.get_data(as_text=True)  # while paused, nothing is sent: resuming sends it all
    assert db.session.get(Delivery, failed[0].id, populate_existing=True).status == DeliveryStatus.FAILED
    client.post(f"{page}/resume", data={"csrf_token": form_token(client, page)})
    assert json.loads(receiver.received[-1][1])["registration"]["id"] == held.id
    client.post(
        f"{page}/deliveries/{failed[0].id}/resend", data={"csrf_token": form_token(client, page)}
    )  # the organiser sends a failed one again, once the receiver works
    assert db.session.get(Delivery, failed[0].id, populate_existing=True).status == DeliveryStatus.SENT


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.org/hook", "https"),
        ("https://127.0.0.1/hook", "privat"),
        ("https://localhost:8443/hook", "privat"),
        ("https://10.1.2.3/hook", "privat"),
        ("https://169.254.169.254/latest/meta-data", "privat"),
        ("https://[::1]/hook", "privat"),
        ("https://[::ffff:192.168.0.1]/hook", "privat"),
        ("https://[64:ff9b::7f00:1]/hook", "privat"),  # NAT64 of 127.0.0.1
        ("https://[2002:7f00:1::]/hook", "privat"),  # 6to4 of 127.0.0.1
        ("https://[::127.0.0.1]/hook", "privat"),  # IPv4-compatible
        ("https://[::ffff:0:7f00:1]/hook", "privat"),  # IPv4-translated
        ("https://2130706433/hook", "privat"),  # 127.0.0.1 as one number
        ("https://user:pass@example.org/hook", "https"),
        ("https://no-such-host.invalid/hook", "nicht bekannt"),
        ("javascript:alert(1)", "https"),
        ("https://" + "a" * 600 + ".org/", "https"),
    ],
)
def test_an_address_in_a_private_network_or_not_https_is_refused(make_event, make_user, url, message):
    event = make_event()
    with pytest.raises(services.WebhookRefused) as refused:
        services.create(make_user(events=[event]), f"event-{event.id}", url, by=None)
    assert message in refused.value.message
    assert db.session.scalar(sa.select(Webhook)) is None


def test_the_address_is_checked_again_when_it_is_sent_to(app, make_event, make_user, receiver):
    event = make_event()
    hook = services.create(make_user(events=[event]), f"event-{event.id}", receiver.url, by=None)
    app.config["WEBHOOK_ALLOWED_HOSTS"] = []  # as if its name now resolved into the private network
    register(event)
    delivery = db.session.scalars(sa.select(Delivery)).one()
    assert receiver.received == []
    assert (delivery.status, delivery.error) == (DeliveryStatus.FAILED, FailureReason.REFUSED)
    assert db.session.get(Webhook, hook.id).failed_in_a_row == 1


def test_a_network_hook_tells_only_of_the_events_its_owner_organises(
    client, make_event, make_user, make_organisation, receiver
):
    network = make_organisation(kind=OrganisationKind.NETWORK)
    mine, theirs = make_event(network=network), make_event(network=network)
    owner = make_user(events=[mine])
    with pytest.raises(services.WebhookRefused):
        services.create(owner, f"event-{theirs.id}", receiver.url, by=None)
    hook = services.create(owner, f"network-{network.id}", receiver.url, by=None)
    register(theirs)
    register(mine)
    assert [json.loads(body)["event"]["slug"] for _headers, body in receiver.received] == [mine.slug]

    stranger = make_user(events=[theirs])
    log_in(client, stranger)
    assert client.get(f"/manage/webhooks/{hook.id}").status_code == 404
    page = "/manage/webhooks/"
    token = form_token(client, page)
    assert (
        client.post(f"/manage/webhooks/{hook.id}/delete", data={"csrf_token": token, "confirmed": "1"}).status_code
        == 404
    )
    assert db.session.get(Webhook, hook.id) is not None


def test_deleting_a_webhook_asks_first(client, make_event, make_user, receiver):
    event = make_event()
    owner = make_user(events=[event])
    hook = services.create(owner, f"event-{event.id}", receiver.url, by=None)
    register(event)
    log_in(client, owner)
    page = f"/manage/webhooks/{hook.id}"
    asked = client.post(f"{page}/delete", data={"csrf_token": form_token(client, page)})
    assert asked.status_code == 200 and "Protokoll" in asked.get_data(as_text=True)
    assert db.session.get(Webhook, hook.id) is not None
    client.post(f"{page}/delete", data={"csrf_token": form_token(client, page), "confirmed": "1"})
    assert db.session.get(Webhook, hook.id) is None and db.session.scalar(sa.select(Delivery)) is None


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off(make_event, make_user, receiver, authority, monkeypatch):
    monkeypatch.setattr(services, "DEADLINE_SECONDS", 0.5)
    monkeypatch.setattr(services, "WAIT_SECONDS", 1)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    listener = socket.create_server(("127.0.0.1", 0))

    def dribble():
        with context.wrap_socket(listener.accept()[0], server_side=True) as connection:
            connection.recv(65536)  # the request
            for byte in b"HTTP/1.1 200 OK\r\n" * 100:  # a byte every 0.2 s: each wait is short, the whole is not
                time.sleep(0.2)
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return  # cut off

    receiving = threading.Thread(target=dribble)
    receiving.start()
    event = make_event()
    url = f"https://127.0.0.1:{listener.getsockname()[1]}/"
    services.create(make_user(events=[event]), f"event-{event.id}", url, by=None)
    started = time.monotonic()
    register(event)
    assert time.monotonic() - started < 5  # not the 360 s the receiver would take
    delivery = db.session.scalars(sa.select(Delivery)).one()
    assert (delivery.status, delivery.error) == (DeliveryStatus.QUEUED, FailureReason.TIMEOUT)  # tried again later
    receiving.join()
    listener.close()


def test_after_a_receiver_was_not_reached_the_next_deliveries_wait_their_turn_untried(
    app, client, make_event, make_user
):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["127.0.0.1"]
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused
    event = make_event()
    owner = make_user(events=[event])
    hook = services.create(owner, f"event-{event.id}", f"https://127.0.0.1:{port}/", by=None)
    register(event)
    register(event)
    first, second = db.session.scalars(sa.select(Delivery).order_by(Delivery.id)).all()
    assert (first.error, second.error) == (FailureReason.UNREACHABLE, FailureReason.NOT_TRIED)
    assert second.status == DeliveryStatus.QUEUED and db.session.get(Webhook, hook.id).quiet_until is not None
    log_in(client, owner)
    log = client.get(f"/manage/webhooks/{hook.id}").get_data(as_text=True)
    assert "Der Empfänger war nicht erreichbar." in log and "Nicht versucht:" in log
    client.get("/language/en")
    log = client.get(f"/manage/webhooks/{hook.id}").get_data(as_text=True)  # the reason in the reader's language
    assert "The receiver could not be reached." in log and "Not tried:" in log
