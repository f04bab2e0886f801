"""The rules of webhooks: who may make one and for what, which addresses it may reach, and each delivery.

A change to a registration (``registration.signals.changed``) writes one delivery per webhook that hears of it,
with the JSON it will send, into the transaction of the change; the task queue sends it after the commit, signed,
and tries again with growing pauses. A webhook whose deliveries fail for good ``PAUSE_AFTER`` times in a row is
paused and its owner told by mail; what happens meanwhile is held and sent when it is resumed.

Signing (documented for receivers in the back office): the header ``Conference-Signature: t=<unix time>,v1=<hex>``
where ``<hex>`` is HMAC-SHA256 with the webhook's secret over ``<unix time>.<body>``.

An address must be ``https`` and reach the internet: an address that resolves to this server's own networks
(loopback, private, link-local, reserved) is refused when saved and again at each delivery, and the connection
goes to the address that was checked (no second lookup an attacker's DNS could answer differently), without
following redirects. ``WEBHOOK_ALLOWED_HOSTS`` names hosts allowed anyway (a tool on the organisation's own network;
the tests' receiver on loopback).
"""

import functools
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import ssl
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from http.client import HTTPException
from typing import Any

import sqlalchemy as sa
import urllib3
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from urllib3.connection import HTTPSConnection

from conference.accounts import access
from conference.accounts.models import User
from conference.accounts.services import managed_events
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, rows_changed, utcnow, write_transaction
from conference.events.models import Event
from conference.extensions import db
from conference.mail import services as mail
from conference.organisations.models import Organisation, OrganisationKind
from conference.registration import signals as registration_signals
from conference.registration.models import Registration
from conference.registration.services import as_data
from conference.rules import Refusal
from conference.site import sealing
from conference.site.urls import absolute_url
from conference.tasks import services as tasks
from conference.webhooks.models import Delivery, DeliveryStatus, FailureReason, Webhook

SECRET_PREFIX = "whsec_"
SEALED_AS = "webhook"
MAX_URL = 500
MAX_PER_USER = 20
PAUSE_AFTER = 3  # deliveries failed for good in a row
MAX_ATTEMPTS = 5  # with the tasks' backoff: tried again after 30 s, 2, 8 and 32 minutes
WAIT_SECONDS = 5  # for the connection, and for each answer from the receiver
DEADLINE_SECONDS = 10  # for a whole delivery: after it, the next wait gives up at once
QUIET_AFTER_UNREACHABLE = timedelta(seconds=30)  # a receiver that was not reached is not tried again at once
# Ranges that carry an IPv4 address in their last 32 bits (IPv4-compatible, NAT64): private behind the disguise too.
CARRYING_IPV4 = [
    ipaddress.ip_network(network) for network in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48")
]
KEEP_DELIVERIES = timedelta(days=30)  # their bodies name people: kept for the log and resending, then gone
DELETED = "registration.deleted"


class WebhookRefused(Refusal):
    pass


def secret_of(hook: Webhook) -> str:
    return sealing.unseal(hook.secret, SEALED_AS) or ""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def checked_url(url: str) -> urllib3.util.Url:
    """The parts of a webhook's address; WebhookRefused for anything but a plain https address of a host."""
    url = url.strip()
    try:
        parts = urllib3.util.parse_url(url)
    except urllib3.exceptions.LocationParseError:
        parts = None
    if parts is None or len(url) > MAX_URL or parts.scheme != "https" or not parts.host or parts.auth:
        raise WebhookRefused(
            _("Please enter an https address (https://…), at most %(count)s characters.", count=MAX_URL), field="url"
        )
    return parts


def reachable_address(parts: urllib3.util.Url) -> str:
    """The address to connect to for ``parts``: each one its host resolves to must be a public one, unless the host
    is allowed anyway; WebhookRefused otherwise."""
    host = parts.host or ""
    try:
        found = socket.getaddrinfo(host.strip("[]"), parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookRefused(_("The host “%(host)s” is not known.", host=host[:100]), field="url") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in found]
    if host.lower() not in {allowed.lower() for allowed in current_app.config["WEBHOOK_ALLOWED_HOSTS"]}:
        for address in addresses:
            if not _public(address):
                raise WebhookRefused(
                    _(
                        "“%(host)s” leads into a private or local network; webhooks go only to public addresses.",
                        host=host[:100],
                    ),
                    field="url",
                )
    return str(addresses[0])


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A public unicast address, also an IPv6 one that carries an IPv4 address (mapped, 6to4, NAT64, …)."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = address.ipv4_mapped or address.sixtofour
        if carried is None and any(address in network for network in CARRYING_IPV4):
            carried = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if carried is not None and not _public(carried):
            return False
    return address.is_global and not address.is_multicast


def choices_for(user: User) -> tuple[list[Event], list[Organisation]]:
    """What the user may make webhooks for: the events they organise (the latest first), and the networks of those
    (administrators: every network)."""
    organised = [event for event in managed_events(user) if access.may(user, access.Action.ORGANISE, event)]
    query = sa.select(Organisation).where(Organisation.kind == OrganisationKind.NETWORK).order_by(Organisation.name)
    if not user.is_administrator:
        query = query.where(Organisation.id.in_({event.network_id for event in organised if event.network_id}))
    return organised, list(db.session.scalars(query))


def create(user: User, scope: str, url: str, *, by: Actor | None) -> Webhook:
    """A webhook of ``user`` for ``scope`` ("event-<id>" or "network-<id>", one of ``choices_for``)."""
    parts = checked_url(url)
    reachable_address(parts)
    events, networks = choices_for(user)
    event = next((event for event in events if scope == f"event-{event.id}"), None)
    network = next((network for network in networks if scope == f"network-{network.id}"), None)
    if event is None and network is None:
        raise WebhookRefused(_("Please choose an event you organise or a network."), field="scope")
    with row_locked(User, user.id):
        if len(hooks_of(user.id)) >= MAX_PER_USER:
            raise WebhookRefused(_("You have %(count)s webhooks; please delete one first.", count=MAX_PER_USER))
        hook = Webhook(
            user_id=user.id,
            event_id=event.id if event else None,
            network_id=network.id if network else None,
            url=parts.url,
            secret=sealing.seal(SECRET_PREFIX + secrets.token_urlsafe(32), SEALED_AS),
        )
        db.session.add(hook)
        record(AuditAction.WEBHOOK_CREATED, parts.url, event.id if event else None, by=by)
    return hook


def hooks_of(user_id: int) -> list[Webhook]:
    return list(db.session.scalars(sa.select(Webhook).where(Webhook.user_id == user_id).order_by(Webhook.id)))


def own_hook(hook_id: int, user_id: int) -> Webhook:
    hook = db.session.get(Webhook, hook_id)
    if hook is None or hook.user_id != user_id:
        raise WebhookRefused(_("This webhook does not exist."))
    return hook


def deliveries_of(hook: Webhook, limit: int = 100) -> list[Delivery]:
    return list(
        db.session.scalars(
            sa.select(Delivery).where(Delivery.webhook_id == hook.id).order_by(Delivery.id.desc()).limit(limit)
        )
    )


def set_paused(hook_id: int, user_id: int, paused: bool, *, by: Actor | None) -> Webhook:
    """Pause a webhook (what happens meanwhile is held), or resume it: the held deliveries go, in order."""
    own_hook(hook_id, user_id)
    with row_locked(Webhook, hook_id) as hook:
        if paused == (hook.paused_at is not None):
            return hook
        hook.paused_at = utcnow() if paused else None
        if not paused:
            hook.failed_in_a_row = 0
            held = sa.select(Delivery.id).where(Delivery.webhook_id == hook.id, Delivery.status == DeliveryStatus.HELD)
            for delivery_id in db.session.scalars(held.order_by(Delivery.id)).all():
                _send_later(db.session.get_one(Delivery, delivery_id))
        record(AuditAction.WEBHOOK_PAUSED if paused else AuditAction.WEBHOOK_RESUMED, hook.url, hook.event_id, by=by)
    return hook


def delete(hook_id: int, user_id: int, *, by: Actor | None) -> Webhook:
    """Delete a webhook with its log: nothing more goes to its address."""
    own_hook(hook_id, user_id)
    with row_locked(Webhook, hook_id) as hook:
        db.session.execute(sa.delete(Delivery).where(Delivery.webhook_id == hook.id))
        db.session.delete(hook)
        record(AuditAction.WEBHOOK_DELETED, hook.url, hook.event_id, by=by)
    return hook


def resend(delivery_id: int, user_id: int) -> Delivery:
    """Send a delivery once more (the receiver lost it, or failed): the same body and delivery id, signed anew."""
    with write_transaction():
        delivery = db.session.get(Delivery, delivery_id)
        if delivery is None or delivery.webhook.user_id != user_id:
            raise WebhookRefused(_("This delivery does not exist."))
        if delivery.status == DeliveryStatus.QUEUED:
            raise WebhookRefused(_("This delivery is on its way already."))
        if delivery.webhook.paused_at is not None:
            raise WebhookRefused(_("The webhook is paused: resume it, and everything held is sent."))
        _send_later(delivery)
    return delivery


def _send_later(delivery: Delivery) -> None:
    delivery.status, delivery.attempts, delivery.finished_at = DeliveryStatus.QUEUED, 0, None
    delivery.response_code, delivery.error = None, None
    tasks.enqueue("webhooks.deliver", max_attempts=MAX_ATTEMPTS, delivery_id=delivery.id)


def _listening(event: Event) -> list[Webhook]:
    """The webhooks that hear of changes at ``event``: its own, and its network's, of owners who organise it."""
    hooks = db.session.scalars(_finding_listeners(), {"event_id": event.id, "network_id": event.network_id}).all()
    return [hook for hook in hooks if access.may(hook.user, access.Action.ORGANISE, event)]


@functools.cache
def _finding_listeners() -> sa.Select[Any]:
    """Built once, as every change of a registration asks (see ``database.table_of``); an event of no network
    matches no network's webhooks (``network_id = NULL`` is never true)."""
    return sa.select(Webhook).where(
        sa.or_(Webhook.event_id == sa.bindparam("event_id"), Webhook.network_id == sa.bindparam("network_id"))
    )


def _queue(hook: Webhook, registration_id: int, kind: str, data: dict[str, Any]) -> None:
    body = json.dumps({"type": kind, "created_at": utcnow(), **data}, default=datetime.isoformat, ensure_ascii=False)
    delivery = Delivery(webhook_id=hook.id, registration_id=registration_id, kind=kind, payload=body)
    db.session.add(delivery)
    db.session.flush()
    if hook.paused_at is None:
        _send_later(delivery)
    else:
        delivery.status = DeliveryStatus.HELD


def _event_data(event: Event) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "title": event.title,
        "starts_at": event.starts_at,
        "url": absolute_url("events.detail", slug=event.slug),
    }


@registration_signals.changed.connect
def tell_webhooks(registration: Registration, change: registration_signals.Change) -> None:
    for hook in _listening(registration.event):
        _queue(
            hook,
            registration.id,
            change.value,
            {"event": _event_data(registration.event), "registration": as_data(registration)},
        )


def forget(registrations: Sequence[Registration]) -> None:
    """The deletion path of personal data (privacy): what went to webhooks about these people is deleted here, and
    each webhook that hears of their events is told to delete its copy (only their id: Art. 19 DSGVO)."""
    ids = [registration.id for registration in registrations]
    db.session.execute(sa.delete(Delivery).where(Delivery.registration_id.in_(ids)))
    listening = {event.id: _listening(event) for event in {registration.event for registration in registrations}}
    for registration in registrations:
        for hook in listening[registration.event_id]:
            _queue(
                hook,
                registration.id,
                DELETED,
                {"event": _event_data(registration.event), "registration": {"id": registration.id}},
            )


def _failed_for_good(delivery_id: int) -> None:
    """A delivery that failed for good: marked so; after ``PAUSE_AFTER`` in a row its webhook is paused and its owner
    told."""
    with write_transaction():
        delivery = db.session.get(Delivery, delivery_id)
        if delivery is None:
            return
        hook = db.session.get(Webhook, delivery.webhook_id, with_for_update=True)
        delivery.status, delivery.finished_at = DeliveryStatus.FAILED, utcnow()
        if hook is None:
            return
        hook.failed_in_a_row += 1
        if hook.failed_in_a_row >= PAUSE_AFTER and hook.paused_at is None:
            hook.paused_at = utcnow()
            record(AuditAction.WEBHOOK_PAUSED, hook.url, hook.event_id, by=None)
            mail.queue("webhook_paused", hook.user.email, webhook_id=hook.id)


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not answer 2xx: the task tries again later."""


@tasks.handler("webhooks.deliver", label=_l("Webhook delivery"), gave_up=_failed_for_good)
def deliver(delivery_id: int) -> None:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.QUEUED:
        return  # deleted with its webhook or the person's data, or resent meanwhile
    hook = delivery.webhook
    if hook.paused_at is not None:
        with write_transaction():
            delivery.status = DeliveryStatus.HELD
        return
    try:
        parts = checked_url(hook.url)
        address = reachable_address(parts)  # again: what a name resolves to can change after it was saved
    except WebhookRefused:
        _note(delivery, None, FailureReason.REFUSED)
        _failed_for_good(delivery_id)
        return
    if hook.quiet_until is not None and utcnow() < hook.quiet_until:
        # One receiver that does not answer must not hold up the mails behind it, attempt after attempt.
        _note(delivery, None, FailureReason.NOT_TRIED)
        raise DeliveryFailed(hook.url)
    try:
        code = _post(parts, address, delivery, secret_of(hook))
    except (OSError, HTTPException, urllib3.exceptions.HTTPError) as error:
        _note(delivery, None, _unreachable(error))
        with write_transaction():
            hook.quiet_until = utcnow() + QUIET_AFTER_UNREACHABLE
        raise DeliveryFailed(hook.url) from error
    _note(delivery, code, None if 200 <= code < 300 else FailureReason.ANSWERED)
    if not 200 <= code < 300:
        raise DeliveryFailed(f"{hook.url}: {code}")
    with write_transaction():
        delivery.status, delivery.finished_at = DeliveryStatus.SENT, utcnow()
        hook.failed_in_a_row, hook.quiet_until = 0, None


def _post(parts: urllib3.util.Url, address: str, delivery: Delivery, secret: str) -> int:
    """POST the delivery's body to ``address``, under the host's name (TLS certificate, SNI, Host header); returns
    the status code. The answer's body is not read: a receiver sending it slowly would hold the task."""
    body = delivery.payload.encode()
    timestamp = int(utcnow().timestamp())
    connection = HTTPSConnection(
        address,
        parts.port or 443,
        timeout=WAIT_SECONDS,
        server_hostname=parts.host,
        assert_hostname=parts.host,
        cert_reqs="CERT_REQUIRED",
        ca_certs=current_app.config["WEBHOOK_CA_FILE"],
    )
    # A receiver that answers a byte at a time is cut off: past the deadline, the next wait for it ends at once.
    deadline = threading.Timer(DEADLINE_SECONDS, lambda: connection.sock and connection.sock.settimeout(0.001))
    deadline.start()
    try:
        connection.request(
            "POST",
            parts.request_uri,
            body=body,
            headers={
                "Host": parts.netloc or "",
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "conference-webhooks",
                "Conference-Event": delivery.kind,
                "Conference-Delivery": str(delivery.id),
                "Conference-Signature": signature(secret, timestamp, body),
            },
            preload_content=False,
        )
        return connection.getresponse().status  # redirects are not followed
    finally:
        deadline.cancel()
        connection.close()


def _unreachable(error: Exception) -> FailureReason:
    if isinstance(error, ssl.SSLError | ssl.CertificateError | urllib3.exceptions.SSLError):
        return FailureReason.CERTIFICATE
    if isinstance(error, TimeoutError | urllib3.exceptions.TimeoutError) and not isinstance(
        error,
        urllib3.exceptions.NewConnectionError,  # a refused or unroutable connection, filed under timeouts
    ):
        return FailureReason.TIMEOUT
    return FailureReason.UNREACHABLE


def _note(delivery: Delivery, code: int | None, reason: FailureReason | None) -> None:
    with write_transaction():
        delivery.attempts += 1
        delivery.response_code, delivery.error = code, reason


@mail.builder("webhook_paused")
def build_paused_mail(context: dict[str, Any]) -> EmailMessage:
    hook = db.session.get_one(Webhook, context["webhook_id"])
    message = mail.new_message(hook.user.email, _("Webhook paused: %(url)s", url=hook.url))
    message.set_content(
        render_template(
            "webhooks/paused_mail.txt",
            hook=hook,
            times=PAUSE_AFTER,
            page=absolute_url("webhooks_manage.hook", hook_id=hook.id),
        )
    )
    return message


@tasks.handler("webhooks.forget_old", every=timedelta(hours=6))
def forget_old_deliveries() -> int:
    """Delete deliveries finished ``KEEP_DELIVERIES`` ago (their bodies name people); returns how many."""
    with write_transaction():
        return rows_changed(
            sa.delete(Delivery).where(
                Delivery.status.in_([DeliveryStatus.SENT, DeliveryStatus.FAILED]),
                Delivery.finished_at < utcnow() - KEEP_DELIVERIES,
            )
        )
