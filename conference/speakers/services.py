"""Speakers who look after themselves: the organisers invite a speaker of an event by e-mail; the speaker's own
link (one per speaker and event, renewable, revocable) lets them answer, correct their details and photo, and
send the slides of their own agenda items, which become the event's materials at the level the organisers set."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.agenda.models import AgendaItem, AgendaItemPerson
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import write_transaction
from conference.events.models import Event
from conference.extensions import db
from conference.mail import services as mail
from conference.materials import services as materials
from conference.materials.models import Material, Visibility
from conference.organisations.models import Organisation
from conference.people import photos
from conference.people import services as people
from conference.people.models import Person
from conference.rules import Refusal
from conference.site.i18n import speaking
from conference.site.urls import absolute_url
from conference.speakers.models import Answer, SpeakerInvitation


class SpeakerError(Refusal):
    pass


@dataclass
class Profile:
    """What a speaker says about themselves."""

    name: str
    academic_title: str
    function: str
    organisation_id: int | None
    biography: str
    shows_profile: bool


def token_of(invitation: SpeakerInvitation) -> str:
    message = f"speaker:{invitation.nonce}".encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(invitation: SpeakerInvitation) -> None:
    invitation.nonce = secrets.token_hex(16)
    invitation.token_hash = _hash(token_of(invitation))
    invitation.revoked_at = None


def invitation_for_token(token: str) -> SpeakerInvitation | None:
    """The invitation a link opens, revoked ones too (their page says so); None for a link that never was."""
    if not token or len(token) > 128:
        return None
    return db.session.scalar(sa.select(SpeakerInvitation).where(SpeakerInvitation.token_hash == _hash(token)))


def speakers_of(event: Event) -> list[Person]:
    """The people on the event's agenda (speakers and moderators), in the order of their first appearance."""
    people = db.session.scalars(
        sa.select(Person)
        .join(AgendaItemPerson)
        .join(AgendaItem)
        .where(AgendaItem.event_id == event.id)
        .order_by(AgendaItem.starts_at, AgendaItem.id)
        .options(selectinload(Person.organisation))  # one query for the organisations the list names
    ).all()
    return list(dict.fromkeys(people))


def items_of(invitation: SpeakerInvitation) -> list[AgendaItem]:
    """The speaker's own agenda items at the event."""
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .join(AgendaItemPerson)
            .where(AgendaItem.event_id == invitation.event_id, AgendaItemPerson.person_id == invitation.person_id)
            .order_by(AgendaItem.starts_at, AgendaItem.id)
            .distinct()
        )
    )


def slides_of(invitation: SpeakerInvitation) -> list[Material]:
    """What the speaker sent for this event."""
    return list(
        db.session.scalars(
            sa.select(Material)
            .where(Material.event_id == invitation.event_id, Material.sent_by_id == invitation.person_id)
            .order_by(Material.created_at, Material.id)
        )
    )


def invitations_of(event: Event) -> dict[int, SpeakerInvitation]:
    """The event's invitations by person."""
    return {
        invitation.person_id: invitation
        for invitation in db.session.scalars(sa.select(SpeakerInvitation).where(SpeakerInvitation.event_id == event.id))
    }


def slides_sent(event: Event) -> dict[int, int]:
    """How many files each speaker sent, by person."""
    rows = db.session.execute(
        sa.select(Material.sent_by_id, sa.func.count())
        .where(Material.event_id == event.id, Material.sent_by_id.is_not(None))
        .group_by(Material.sent_by_id)
    )
    return {person_id: count for person_id, count in rows if person_id is not None}


# --- the organisers' side ----------------------------------------------------------------------


def invite(
    event: Event, person: Person, email: str, visibility: Visibility, now: datetime, *, by: Actor | None
) -> SpeakerInvitation:
    """Invite a speaker of the event: their link goes to ``email``. Inviting again renews the link (the old one
    stops working) and sends it to the address given now."""
    if person not in speakers_of(event):
        raise SpeakerError(_("This person is not on the event's agenda."))
    with write_transaction():
        invitation = db.session.scalar(
            sa.select(SpeakerInvitation).where(
                SpeakerInvitation.event_id == event.id, SpeakerInvitation.person_id == person.id
            )
        )
        action = AuditAction.SPEAKER_LINK_RENEWED if invitation else AuditAction.SPEAKER_INVITED
        if invitation is None:
            invitation = SpeakerInvitation(event_id=event.id, person_id=person.id, answer=Answer.OPEN)
            db.session.add(invitation)
        invitation.email, invitation.slides_visibility, invitation.invited_at = email.strip().lower(), visibility, now
        invitation.reminded_at = None
        _new_link(invitation)
        db.session.flush()
        mail.queue("speaker_invitation", invitation.email, invitation_id=invitation.id)
        record(action, person.name, event.id, by=by)
    return invitation


def remind(invitation: SpeakerInvitation, now: datetime, *, by: Actor | None) -> None:
    """Send the link again, with a word on what is still missing (an answer, the slides)."""
    if invitation.revoked_at is not None:
        raise SpeakerError(_("The link has been revoked; invite the speaker again to send a new one."))
    if not items_of(invitation):
        raise SpeakerError(_("%(name)s is no longer on the programme.", name=invitation.person.name))
    if invitation.answer == Answer.DECLINED:
        raise SpeakerError(_("%(name)s has declined; there is nothing to remind them of.", name=invitation.person.name))
    if invitation.answer == Answer.ACCEPTED and slides_of(invitation):
        raise SpeakerError(
            _("%(name)s has accepted and sent slides; there is nothing to remind them of.", name=invitation.person.name)
        )
    with write_transaction():
        invitation.reminded_at = now
        mail.queue("speaker_invitation", invitation.email, invitation_id=invitation.id, reminder=True)
        record(AuditAction.SPEAKER_REMINDED, invitation.person.name, invitation.event_id, by=by)


def revoke(invitation: SpeakerInvitation, now: datetime, *, by: Actor | None) -> None:
    with write_transaction():
        invitation.revoked_at = now
        record(AuditAction.SPEAKER_LINK_REVOKED, invitation.person.name, invitation.event_id, by=by)


@mail.builder("speaker_invitation")
def build_invitation(context: dict[str, Any]) -> EmailMessage:
    """The invitation (or the reminder) with the speaker's link, as it is when the mail is built; in the event's
    language."""
    invitation = db.session.get_one(SpeakerInvitation, context["invitation_id"])
    event = invitation.event
    with speaking(event.language):
        subject = (
            _("Reminder: your contribution to %(title)s", title=event.title)
            if context.get("reminder")
            else _("Invitation: your contribution to %(title)s", title=event.title)
        )
        message = mail.new_message(invitation.email, subject, event.contact_name, event.contact_email)
        message.set_content(
            render_template(
                "speakers/mail/invitation.txt",
                invitation=invitation,
                event=event,
                items=items_of(invitation),
                slides=slides_of(invitation),
                reminder=context.get("reminder", False),
                link=absolute_url("speakers.page", token=token_of(invitation)),
            )
        )
    return message


# --- the speaker's side ------------------------------------------------------------------------


def answer(invitation: SpeakerInvitation, accepted: bool, now: datetime) -> None:
    with write_transaction():
        invitation.answer = Answer.ACCEPTED if accepted else Answer.DECLINED
        invitation.answered_at = now
        record(AuditAction.SPEAKER_ANSWERED, invitation.person.name, invitation.event_id, by=None, by_registrant=True)


def save_profile(invitation: SpeakerInvitation, profile: Profile, photo: bytes | None, remove_photo: bool) -> None:
    """The speaker's corrections to their details; ``photo`` replaces their photo (checked, scaled, stripped)."""
    if profile.organisation_id is not None and db.session.get(Organisation, profile.organisation_id) is None:
        raise SpeakerError(_("Please choose an organisation from the list."), "organisation_id")
    new_photo = photos.store(photo) if photo else None
    person = invitation.person
    old_photo = person.photo if new_photo or remove_photo else None
    try:
        with write_transaction():
            person.name = profile.name.strip()
            person.academic_title = profile.academic_title.strip() or None
            person.function = profile.function.strip() or None
            person.organisation_id = profile.organisation_id
            person.biography = profile.biography.strip()
            person.shows_profile = profile.shows_profile
            if new_photo or remove_photo:
                person.photo = new_photo
            for event in people.events_of(person):  # every event showing them, as when organisers change a person
                record(AuditAction.PERSON_SAVED, person.full_name, event.id, by=None, by_registrant=True)
    except BaseException:
        photos.remove(new_photo)
        raise
    photos.remove(old_photo)


def send_slides(invitation: SpeakerInvitation, item_id: int, upload: IO[bytes] | None, filename: str) -> Material:
    """Slides of one of the speaker's own items, published in the event's materials at the level the organisers set."""
    item = next((item for item in items_of(invitation) if item.id == item_id), None)
    if item is None:
        raise SpeakerError(_("Please choose one of your agenda items."), "agenda_item_id")
    with speaking(invitation.event.language):
        title = _("Slides: %(title)s", title=item.title)[:200]
    details = materials.MaterialDetails(
        title=title,
        description=invitation.person.full_name,
        visibility=invitation.slides_visibility,
        agenda_item_id=item.id,
    )
    return materials.create(invitation.event, details, upload, filename, by=None, sent_by_id=invitation.person_id)


def withdraw_slides(invitation: SpeakerInvitation, material_id: int) -> None:
    material = next((material for material in slides_of(invitation) if material.id == material_id), None)
    if material is None:
        raise SpeakerError(_("This file is not one of yours."))
    materials.delete(material, by=None)
