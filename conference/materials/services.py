"""Who may fetch which material, and the changes organisers make to them."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import write_transaction
from conference.events.models import Event
from conference.extensions import db
from conference.materials import storage
from conference.materials.models import Material, PartnerLink, Visibility
from conference.registration.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class Viewer:
    """Who is asking: nobody known, a registrant (by their link), a speaker or partner (by theirs), an organiser."""

    registration: Registration | None = None
    partner: bool = False
    organiser: bool = False

    @property
    def confirmed(self) -> bool:
        return self.registration is not None and self.registration.status == RegistrationStatus.CONFIRMED


def may_fetch(material: Material, viewer: Viewer) -> bool:
    if viewer.organiser:
        return True
    if material.hidden:
        return False
    if material.visibility == Visibility.PUBLIC:
        return True
    if viewer.partner:  # speakers and partners see what participants see, and their own materials
        return material.visibility != Visibility.ORGANISERS
    if material.visibility == Visibility.REGISTERED:
        return viewer.confirmed
    if material.visibility == Visibility.CHECKED_IN:
        return viewer.registration is not None and viewer.confirmed and viewer.registration.checked_in_at is not None
    return False


def listed(event_id: int, viewer: Viewer) -> list[tuple[Material, bool]]:
    """The event's materials a viewer may know of, each with whether they may fetch it.

    Protected titles are shown (with a lock) so participants know what their link opens;
    organisers-only and hidden materials are not shown to anyone else at all.
    """
    materials = db.session.scalars(
        sa.select(Material)
        .where(Material.event_id == event_id)
        .order_by(Material.agenda_item_id.is_(None), Material.title)
    ).all()
    return [
        (material, may_fetch(material, viewer))
        for material in materials
        if viewer.organiser or not (material.hidden or material.visibility == Visibility.ORGANISERS)
    ]


def fetchable(event_id: int, viewer: Viewer) -> list[Material]:
    return [material for material, allowed in listed(event_id, viewer) if allowed]


def count_download(material_id: int) -> None:
    with write_transaction():
        db.session.execute(
            sa.update(Material).where(Material.id == material_id).values(downloads=Material.downloads + 1)
        )


@dataclass
class MaterialDetails:
    title: str
    description: str = ""
    visibility: Visibility = Visibility.REGISTERED
    agenda_item_id: int | None = None
    hidden: bool = False


def _store(upload: IO[bytes], filename: str) -> dict[str, Any]:
    mimetype = storage.content_type(upload, filename)
    stored_name, size = storage.save(upload, current_app.config["MATERIALS_MAX_BYTES"])
    return {
        "stored_name": stored_name,
        "size": size,
        "content_type": mimetype,
        "original_name": storage.clean_name(filename),
    }


def create(
    event: Event,
    details: MaterialDetails,
    upload: IO[bytes] | None,
    filename: str,
    *,
    by: Actor | None,
    sent_by_id: int | None = None,
) -> Material:
    """A new material; ``sent_by_id``: the speaker (a person) who sent it through their own link."""
    if upload is None:
        raise storage.UploadRefused(_("Please choose a file."), "file")
    stored = _store(upload, filename)
    try:
        with write_transaction():
            material = Material(event_id=event.id, sent_by_id=sent_by_id, **vars(details), **stored)
            db.session.add(material)
            record(AuditAction.MATERIAL_ADDED, material.title, event.id, by=by)
    except BaseException:
        storage.remove(stored["stored_name"])
        raise
    return material


def update(
    material: Material,
    details: MaterialDetails,
    upload: IO[bytes] | None = None,
    filename: str = "",
    *,
    by: Actor | None,
) -> Material:
    """Change a material's details and, with ``upload``, its file; its address stays the same."""
    stored = _store(upload, filename) if upload is not None else {}
    replaced = material.stored_name
    with write_transaction():
        for name, value in {**vars(details), **stored}.items():
            setattr(material, name, value)
        record(AuditAction.MATERIAL_CHANGED, material.title, material.event_id, by=by)
    if stored:
        storage.remove(replaced)
    return material


def delete(material: Material, *, by: Actor | None) -> None:
    with write_transaction():
        db.session.delete(material)
        record(AuditAction.MATERIAL_DELETED, material.title, material.event_id, by=by)
    storage.remove(material.stored_name)


def overview(event_id: int) -> dict[str, int]:
    """What the event's materials take up: count, bytes, downloads."""
    count, size, downloads = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Material.size), 0),
            sa.func.coalesce(sa.func.sum(Material.downloads), 0),
        ).where(Material.event_id == event_id)
    ).one()
    return {"count": count, "size": size, "downloads": downloads}


# --- the speakers' and partners' link ---------------------------------------------------------


def _partner_token(event_id: int, nonce: str) -> str:
    message = f"partners:{event_id}:{nonce}".encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()


def partner_token(event_id: int) -> str | None:
    link = db.session.scalar(sa.select(PartnerLink).where(PartnerLink.event_id == event_id))
    return _partner_token(event_id, link.nonce) if link else None


def renew_partner_link(event_id: int, *, by: Actor | None) -> str:
    """A new link for speakers and partners; the previous one stops working."""
    with write_transaction():
        link = db.session.scalar(sa.select(PartnerLink).where(PartnerLink.event_id == event_id))
        if link is None:
            link = PartnerLink(event_id=event_id)
            db.session.add(link)
        link.nonce = secrets.token_hex(16)
        record(AuditAction.PARTNER_LINK_RENEWED, "", event_id, by=by)
    return _partner_token(event_id, link.nonce)


def is_partner_token(event_id: int, token: str) -> bool:
    expected = partner_token(event_id)
    return expected is not None and hmac.compare_digest(expected, token[:128])
