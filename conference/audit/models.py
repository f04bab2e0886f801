from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.accounts.models import User
    from conference.events.models import Event


class AuditAction(LabelledEnum):
    """What the back office records, with the words the log shows."""

    EVENT_CREATED = "event.created", _l("Event created")
    EVENT_CHANGED = "event.changed", _l("Event changed")
    EVENT_STATUS = "event.status", _l("Event status changed")  # before the three below were told apart
    EVENT_PUBLISHED = "event.published", _l("Event published")
    EVENT_UNPUBLISHED = "event.unpublished", _l("Event no longer public (draft)")
    EVENT_CANCELLED = "event.cancelled", _l("Event cancelled, registrants informed")
    EVENT_DUPLICATED = "event.duplicated", _l("Event duplicated")
    PARTNER_ADDED = "partner.added", _l("Partner added")
    PARTNER_REMOVED = "partner.removed", _l("Partner removed")
    AGENDA_SAVED = "agenda.saved", _l("Agenda item saved")
    AGENDA_DELETED = "agenda.deleted", _l("Agenda item deleted")
    ROOM_CHANGED = "agenda.room", _l("Room changed")
    QUESTION_SAVED = "question.saved", _l("Question saved")
    QUESTION_MOVED = "question.moved", _l("Question moved")
    QUESTION_REMOVED = "question.removed", _l("Question removed")
    REGISTRATION_ADDED = "registration.added", _l("Registration added")
    REGISTRATION_CHANGED = "registration.changed", _l("Registration changed")
    REGISTRATION_APPROVED = "registration.approve", _l("Registration approved")
    REGISTRATION_REJECTED = "registration.reject", _l("Registration rejected")
    REGISTRATION_CANCELLED = "registration.cancel", _l("Registration cancelled")
    REGISTRATION_PROMOTED = "registration.promote", _l("Moved up from the waiting list")
    REGISTRATION_RESTORED = "registration.restore", _l("Cancellation or rejection undone")
    CONFIRMATION_SENT_AGAIN = "registration.mail_again", _l("Confirmation sent again")
    LINK_SENT_AGAIN = "registration.link_again", _l("Link sent again")
    NOTE_SAVED = "registration.note", _l("Internal note changed")
    CHECKED_IN = "registration.checked_in", _l("Checked in")
    CHECK_IN_UNDONE = "registration.check_in_undone", _l("Check-in undone")
    ADMITTED = "registration.admitted", _l("Admitted at the door out of turn")
    WALK_IN = "registration.walk_in", _l("Registered and checked in at the door")
    MESSAGE_SENT = "registration.mail", _l("Message sent")
    MAIL_TEXT_SAVED = "registration.mail_text", _l("Mail text changed")
    MAIL_TEXT_RESET = "registration.mail_text_reset", _l("Mail text back to the default")
    DATA_DELETED = "registration.deleted", _l("Personal data deleted on request")
    SIGN_IN_SHEET_CHANGED = "documents.sign_in_sheet", _l("Attendee list with signatures changed")
    FIGURES_QUESTIONS_CHOSEN = "figures.questions", _l("Questions for the figures chosen")
    CERTIFICATES_MADE = "documents.certificates", _l("Certificates of attendance ordered")
    EVALUATION_SENT = "evaluation.sent", _l("Evaluation sent")
    EVALUATION_REMINDER_SENT = "evaluation.reminded", _l("Evaluation reminder sent")
    EVALUATION_SETTINGS = "evaluation.settings", _l("Evaluation settings changed")
    MATERIAL_ADDED = "material.added", _l("Material added")
    MATERIAL_CHANGED = "material.changed", _l("Material changed")
    MATERIAL_DELETED = "material.deleted", _l("Material deleted")
    PARTNER_LINK_RENEWED = "material.partner_link", _l("Link for speakers and partners renewed")
    SPEAKER_INVITED = "speaker.invited", _l("Speaker invited")
    SPEAKER_REMINDED = "speaker.reminded", _l("Speaker reminded")
    SPEAKER_LINK_RENEWED = "speaker.link_renewed", _l("Speaker's link renewed")
    SPEAKER_LINK_REVOKED = "speaker.link_revoked", _l("Speaker's link revoked")
    SPEAKER_ANSWERED = "speaker.answered", _l("Speaker answered")
    PERSON_SAVED = "person.saved", _l("Person saved")
    ORGANISATION_SAVED = "organisation.saved", _l("Organisation saved")
    ORGANISATION_MERGED = "organisation.merged", _l("Duplicate organisation merged")
    ACCOUNT_INVITED = "account.invited", _l("Account created")
    ACCOUNT_CHANGED = "account.changed", _l("Account changed")
    TWO_FACTOR_ON = "account.two_factor_on", _l("Two-factor log-in switched on")
    TWO_FACTOR_OFF = "account.two_factor_off", _l("Two-factor log-in switched off")
    RECOVERY_CODES_RENEWED = "account.recovery_codes", _l("Recovery codes renewed")
    ACCOUNT_ASSIGNED = "account.assigned", _l("Account assigned to the event")
    API_TOKEN_CREATED = "account.api_token_created", _l("API token created")
    API_TOKEN_REVOKED = "account.api_token_revoked", _l("API token revoked")
    API_TOKEN_USED = "account.api_token_used", _l("API token used")
    WEBHOOK_CREATED = "account.webhook_created", _l("Webhook created")
    WEBHOOK_PAUSED = "account.webhook_paused", _l("Webhook paused")
    WEBHOOK_RESUMED = "account.webhook_resumed", _l("Webhook resumed")
    WEBHOOK_DELETED = "account.webhook_deleted", _l("Webhook deleted")
    ACCOUNT_UNASSIGNED = "account.unassigned", _l("Account removed from the event")


class AuditEntry(Model):
    """One change made in the back office, or by a registrant through their link: who, when, what, at which event,
    about which registration, which fields."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Made by the registrant themselves through their link (no account): told apart from the system's own changes.
    by_registrant: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # The registration the entry is about, so deleting a person's data finds every entry naming them.
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction))
    # What was changed, as the user saw it then ("Agenda item “Podium”"), so the log stays readable
    # after the thing itself is gone.
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    # The names of the fields a change touched; and, for things that hold no personal data (an event's
    # settings), what each was and became: {"title": ["old", "new"]}.
    changed_fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    changed_values: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict, server_default="{}")

    user: Mapped["User | None"] = relationship()
    event: Mapped["Event | None"] = relationship()
