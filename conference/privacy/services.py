"""Deleting personal data of registrations, and handing a person their data.

"Deleting" a registration anonymises it: names, address, phone, function, answers, the organisers'
note and the links are gone, while the row stays with status, organisation, forum choices and check-in, so the
figures funders ask for (people per organisation, forum, check-in) survive; those read from answers (region, kind of
organisation) are kept as counts (conference.figures) when an event's retention period ends. Certificates stay
verifiable by their number; the verification page then says the holder's name was deleted.
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from conference.audit.models import AuditAction, AuditEntry
from conference.audit.services import Actor, record
from conference.database import forget_old_pages, row_locked, utcnow
from conference.documents import jobs
from conference.documents.models import Certificate, DocumentJob
from conference.evaluation.models import Invitation
from conference.events.models import Event
from conference.extensions import db
from conference.figures import services as figures
from conference.mail.models import OutgoingMail
from conference.mail.services import forget_files
from conference.privacy.models import DeletionRecord
from conference.registration import bulk
from conference.registration import services as registration_services
from conference.registration.models import Answer, BulkMessage, Registration, RegistrationStatus, Salutation
from conference.site.i18n import speaking
from conference.tasks import services as tasks
from conference.webhooks import services as webhooks


def export(registration: Registration, for_organisers: bool = False) -> dict[str, Any]:
    """Everything stored about one registration, as a person may ask for it (Art. 15 and 20 DSGVO). What
    ``for_organisers`` leave out is whether the person answered the evaluation (and the reminder that tells it):
    only the person learns it, through their own link, so that no organiser can tie an answer to them."""
    event = registration.event
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.registration_id == registration.id))
    asked = db.session.get(Invitation, registration.id)
    mails = db.session.scalars(
        sa.select(OutgoingMail)
        .where(
            (registration_services.listed if for_organisers else registration_services.mails_about)([registration.id])
        )
        .order_by(OutgoingMail.id)
    ).all()
    return {
        "event": {
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
            "organiser_contact": event.contact_email or None,
            "personal_data_deleted_after": delete_after(event).date().isoformat(),
        },
        "registration": {
            "status": registration.status.value,
            "form_of_address": registration.salutation.value or None,
            "academic_title": registration.academic_title or None,
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "function": registration.function,
            "phone": registration.phone,
            "language": registration.locale,
            "listed_as_participant": registration.listed_as_participant,
            "privacy_accepted_at": registration.privacy_accepted_at.isoformat(),
            "created_at": registration.created_at.isoformat(),
            "updated_at": registration.updated_at.isoformat(),
            "cancelled_at": registration.cancelled_at.isoformat() if registration.cancelled_at else None,
            "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
            "check_in_code": registration.check_in_code,
            "organisers_note": registration.note,
        },
        "answers": [{"question": answer.question.label, "answer": answer.value} for answer in registration.answers],
        "forums": [choice.agenda_item.title for choice in registration.forum_choices],
        "certificate": {"number": certificate.number, "issued_at": certificate.issued_at.isoformat()}
        if certificate
        else None,
        # Only whether they answered the evaluation: what they answered is stored apart, linked to nobody.
        "evaluation": None
        if asked is None or for_organisers
        else {"asked_at": asked.invited_at.isoformat(), "answered": asked.answered},
        "mails": [
            {
                "kind": mail.context.get("reason", mail.builder),
                "to": mail.recipient,
                "status": mail.status,
                "created_at": mail.created_at.isoformat(),
                "sent_at": mail.sent_at.isoformat() if mail.sent_at else None,
                **_bulk_text(mail.context, registration),
            }
            for mail in mails
        ],
        "log": [
            {"action": str(entry.action.label), "at": entry.at.isoformat()}
            for entry in db.session.scalars(
                sa.select(AuditEntry)
                .where(
                    sa.or_(
                        AuditEntry.registration_id == registration.id,
                        sa.and_(AuditEntry.event_id == event.id, AuditEntry.subject == registration.full_name),
                    )
                )
                .order_by(AuditEntry.id)
            )
        ],
    }


def _bulk_text(context: dict[str, Any], registration: Registration) -> dict[str, str]:
    """What a message from the organisers said to this person, in the version they received, its placeholders filled
    as in their mail but for the link to their registration, which stays ``{link}``: organisers download this too.
    (Other mails are built from the registration itself.)"""
    message = db.session.get(BulkMessage, context["bulk_id"]) if "bulk_id" in context else None
    if message is None:
        return {}
    language = bulk.language_for(message, registration)
    with speaking(language):
        subject, text = bulk.filled(message, registration, language, "{link}")
    return {"subject": subject, "text": text}


def delete_after(event: Event) -> datetime:
    try:
        return event.ends_at + timedelta(days=event.retention_days)
    except OverflowError:  # an event at the calendar's end: kept to the last day every time zone can show
        return datetime(9999, 12, 30, tzinfo=UTC)


def messages_only_to(registration: Registration) -> list[BulkMessage]:
    """Messages from the organisers that went to this person alone: what was typed into them is about them."""
    return list(
        db.session.scalars(
            sa.select(BulkMessage)
            .where(
                BulkMessage.event_id == registration.event_id,
                BulkMessage.recipients == 1,
                sa.exists().where(
                    OutgoingMail.batch == sa.literal("bulk-") + sa.cast(BulkMessage.id, sa.String),
                    registration_services.mails_about([registration.id]),
                ),
            )
            .order_by(BulkMessage.id)
        )
    )


def delete_on_request(
    registration_id: int,
    now: datetime,
    note: str = "",
    message_ids: list[int] | None = None,
    *,
    by: Actor | None,
    by_registrant: bool = False,
) -> None:
    """Delete one person's data now (Art. 17 DSGVO), asked ``by`` an organiser or ``by_registrant`` through their
    link. Before the event, their seat is freed first. ``note``: why (the organiser's words); ``message_ids``: which
    messages sent to this person alone go too (None: all of them)."""
    registration = db.session.get_one(Registration, registration_id)
    if registration.anonymised_at is not None:
        return
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        if registration.anonymised_at is not None:  # deleted by a request sent at the same time
            return
        if registration_services.cancelling_allowed(registration, now):
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            registration_services.fill_free_seats(event, by)
        _delete_messages(
            [message for message in messages_only_to(registration) if message_ids is None or message.id in message_ids]
        )
        _anonymise([registration], now)
        db.session.add(
            DeletionRecord(
                at=now,
                event_id=event.id,
                event_title=event.title,
                reason="request",
                registrations=1,
                user_id=by.id if by else None,
                note=note[:300],
            )
        )
        record(AuditAction.DATA_DELETED, "", event.id, by=by, by_registrant=by_registrant)
    forget_old_pages()


def _delete_messages(messages: list[BulkMessage]) -> None:
    """Messages and their line in the log (which quotes the subject)."""
    for message in messages:
        db.session.execute(
            sa.update(AuditEntry)
            .where(
                AuditEntry.event_id == message.event_id,
                AuditEntry.action == AuditAction.MESSAGE_SENT,
                AuditEntry.subject == f"{message.subject} ({message.recipients})"[:300],
            )
            .values(subject="")
        )
        db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.batch == message.batch))
        db.session.delete(message)


@tasks.handler("privacy.purge", every=timedelta(hours=6))
def purge(now: datetime | None = None) -> int:
    """Delete the personal data of every event whose retention period is over; returns how many registrations."""
    now = now or utcnow()
    events = db.session.scalars(
        sa.select(Event).where(
            sa.exists().where(Registration.event_id == Event.id, Registration.anonymised_at.is_(None))
        )
    ).all()
    deleted = 0
    for event_id in [event.id for event in events if delete_after(event) <= now]:
        with row_locked(Event, event_id) as event:
            remaining = db.session.scalars(
                sa.select(Registration).where(Registration.event_id == event.id, Registration.anonymised_at.is_(None))
            ).all()
            _delete_messages([message for registration in remaining for message in messages_only_to(registration)])
            figures.keep(event, now)  # the funders' figures, as counts, before the answers they are read from go
            _anonymise(remaining, now)
            db.session.add(
                DeletionRecord(
                    at=now, event_id=event.id, event_title=event.title, reason="retention", registrations=len(remaining)
                )
            )
        deleted += len(remaining)
    if deleted:
        forget_old_pages()
    return deleted


def _anonymise(registrations: Sequence[Registration], now: datetime) -> None:
    if not registrations:
        return
    ids = [registration.id for registration in registrations]
    mails = db.session.scalars(
        sa.select(OutgoingMail).where(
            sa.or_(registration_services.mails_about(ids), registration_services.mails_about_their_group(ids))
        )
    ).all()
    # Also an address an organiser corrected since: the mails that went to it name it.
    addresses = {registration.email for registration in registrations if registration.email} | {
        mail.recipient for mail in mails
    }
    names = {registration.full_name for registration in registrations}
    event_ids = {registration.event_id for registration in registrations}
    db.session.execute(sa.delete(Answer).where(Answer.registration_id.in_(ids)))
    # That they were asked to evaluate the event, and whether they answered (their answers, apart, stay).
    db.session.execute(sa.delete(Invitation).where(Invitation.registration_id.in_(ids)))
    for mail in mails:
        db.session.delete(mail)
    # The log of organisers' actions names registrants ("checked in: Amal Haddad"), by id (entries
    # from before entries named their registration: by the current name).
    db.session.execute(
        sa.update(AuditEntry)
        .where(
            sa.or_(
                AuditEntry.registration_id.in_(ids),
                sa.and_(
                    AuditEntry.event_id.in_(event_ids),
                    AuditEntry.action.in_([action for action in AuditAction if action.startswith("registration.")]),
                    AuditEntry.subject.in_(names),
                ),
            )
        )
        .values(subject="", changed_fields=[], changed_values={})
    )
    # Finished certificate jobs of these events hold everybody's certificates: they go (they can be made again).
    for job in db.session.scalars(
        sa.select(DocumentJob).where(DocumentJob.event_id.in_(event_ids), DocumentJob.stored_name.is_not(None))
    ):
        if job.stored_name:  # always (the query asks for it); said again for the type checker
            (jobs.folder() / job.stored_name).unlink(missing_ok=True)
        job.stored_name = None
    jobs.forget_mailed_certificates(ids)  # each person's certificate, kept until their mail went out
    forget_files(addresses)
    webhooks.forget(registrations)  # what went to the organisers' tools; they are told to delete their copies
    db.session.execute(sa.update(Certificate).where(Certificate.registration_id.in_(ids)).values(holder_name=""))
    for registration in registrations:
        registration.first_name = registration.last_name = ""
        registration.email = f"{registration.id}@deleted.invalid"  # unique per event; .invalid never delivers
        registration.function = registration.phone = registration.submission_key = registration.note = ""
        registration.academic_title, registration.salutation = "", Salutation.NONE
        registration.listed_as_participant = False
        # The links and the check-in code stop working: nobody can reach or be taken for this person.
        registration.link_nonce = secrets.token_hex(16)
        registration.token_hash = secrets.token_hex(32)
        registration.check_in_code = registration_services.new_check_in_code()
        registration.anonymised_at = now


def records(event_id: int) -> list[DeletionRecord]:
    return list(
        db.session.scalars(
            sa.select(DeletionRecord).where(DeletionRecord.event_id == event_id).order_by(DeletionRecord.id.desc())
        )
    )
