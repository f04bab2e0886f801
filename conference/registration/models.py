from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model
from conference.site.collation import SortKey, sort_key

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.accounts.models import User
    from conference.agenda.models import AgendaItem
    from conference.events.models import Event


class RegistrationStatus(LabelledEnum):
    PENDING = "pending", _l("Awaiting approval")
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITLISTED = "waitlisted", _l("On the waiting list")
    CANCELLED = "cancelled", lazy_pgettext("registration status", "Cancelled")
    REJECTED = "rejected", _l("Not accepted")


# Registrations that hold a seat, and those that count as "registered" for one e-mail address.
SEAT_HOLDING = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)
ACTIVE = (*SEAT_HOLDING, RegistrationStatus.WAITLISTED)
# Those the door lets in only when an organiser (or a helper they allow) admits them out of turn.
NOT_YET_CONFIRMED = (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED)


class QuestionKind(LabelledEnum):
    TEXT = "text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    YES_NO = "yes_no", _l("Yes or no")
    SINGLE_CHOICE = "single_choice", _l("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _l("Multiple choice")
    # 1 to 5, its two ends named by the question's two options; asked only in an evaluation.
    SCALE = "scale", _l("Scale from 1 to 5")


class Questionnaire(LabelledEnum):
    """Which form of an event asks a question: the registration form, or the evaluation after the event."""

    REGISTRATION = "registration", _l("Registration form")
    EVALUATION = "evaluation", _l("Evaluation")


class Salutation(LabelledEnum):
    """The form of address a registrant chose; none: greeted by their full name, never "Sehr geehrte/r"."""

    NONE = "", _l("No form of address")
    FRAU = "frau", lazy_pgettext("form of address", "Ms")
    HERR = "herr", lazy_pgettext("form of address", "Mr")


class Registration(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    # Stored lower-cased, so one address cannot register twice by changing its case. None for someone
    # an organiser registered by phone or on paper without one: no mails then, lists and documents still work.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # Asked where the event asks for them (Event.asks_salutation, asks_academic_title); "" when not given.
    salutation: Mapped[Salutation] = mapped_column(str_enum(Salutation), default=Salutation.NONE, server_default="")
    academic_title: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    function: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    locale: Mapped[str] = mapped_column(sa.String(8), default="de")
    privacy_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    listed_as_participant: Mapped[bool] = mapped_column(default=False)
    # Takes part online (a place of Event.online_capacity, the link to the video platform) rather than in the room.
    online: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The secret link's token is an HMAC of this nonce under SECRET_KEY (see services.link_token);
    # only its hash is stored, for look-up, so a copy of the database alone opens no registration.
    link_nonce: Mapped[str] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    check_in_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # The hash of a random value of the form the registration was sent from: a second press of the
    # button carries the same value and is recognised as the same submission (a copy of the
    # database alone cannot pose as it).
    submission_key: Mapped[str] = mapped_column(sa.String(64), default="")
    # How many calendar entries the person's mails carried: the next one's SEQUENCE (services.queue_mail).
    calendars_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organisers' own note ("needs a seat near the door"): never shown to the person, in a mail or a list,
    # but in the data they may ask for, since it is about them (Art. 15 DSGVO); deleted with their data.
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The one who registered this person with theirs, as a group (a colleague); they may change or cancel it.
    registered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    # Personal data deleted (after the retention period or on request); the row stays for the figures.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Last name, first name" and the organisation as German readers sort them (site/collation.py), kept up to
    # date whenever the row is written: lists, documents and exports order by these.
    sort_name: Mapped[str] = mapped_column(SortKey, default="", server_default="")
    sort_organisation: Mapped[str] = mapped_column(SortKey, default="", server_default="")

    __table_args__ = (
        # One active registration per address and event, also when two requests race.
        sa.Index(
            "uq_registration_active_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
        ),
        # Counts per status and way of taking part, and a place on the waiting list (those before, in order of
        # registration), are read from the index alone: each mail to someone waiting asks for their place.
        sa.Index("ix_registration_event_id_status_online_created_at", "event_id", "status", "online", "created_at"),
        # A form sent again and an address registered before are found without reading the event's registrations.
        sa.Index("ix_registration_email", "email"),
        sa.Index("ix_registration_submission_key", "submission_key"),
    )

    event: Mapped["Event"] = relationship()
    registered_by: Mapped["Registration | None"] = relationship(remote_side=[id])
    answers: Mapped[list["Answer"]] = relationship(back_populates="registration", cascade="all, delete-orphan")
    forum_choices: Mapped[list["ForumChoice"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )

    @property
    def address(self) -> str:
        """The e-mail address, for what is sent only to people who gave one (someone let in at the door may not)."""
        if self.email is None:
            raise ValueError(f"registration {self.id} has no e-mail address")
        return self.email

    @property
    def full_name(self) -> str:
        if self.anonymised_at is not None:
            return str(_l("(deleted)"))
        return f"{self.first_name} {self.last_name}"

    @property
    def title(self) -> str:
        """The academic title, where the event uses titles."""
        return self.academic_title if self.event.asks_academic_title and self.anonymised_at is None else ""

    @property
    def form_of_address(self) -> "Salutation":
        return self.salutation if self.event.asks_salutation and self.anonymised_at is None else Salutation.NONE

    @property
    def titled_name(self) -> str:
        """ "Dr. Erika Nowak", for badges, tickets and certificates."""
        return " ".join(filter(None, (self.title, self.full_name)))

    @property
    def listed_name(self) -> str:
        """ "Nowak, Dr. Erika", for lists in order of last names."""
        return f"{self.last_name}, " + " ".join(filter(None, (self.title, self.first_name)))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def answer_to(self, question: "Question") -> object:
        return next((answer.value for answer in self.answers if answer.question_id == question.id), None)


@sa.event.listens_for(Registration, "before_insert")
@sa.event.listens_for(Registration, "before_update")
def _keep_sort_keys(_mapper: object, _connection: object, registration: Registration) -> None:
    registration.sort_name = sort_key(f"{registration.last_name}, {registration.first_name}")
    registration.sort_organisation = sort_key(registration.organisation or "")


BY_NAME = (Registration.sort_name, Registration.id)
BY_ORGANISATION = (Registration.sort_organisation, Registration.sort_name, Registration.id)


class Question(Model):
    """A custom question an organiser asks at registration (dietary needs, accessibility, ...) or in the evaluation
    after the event (its answers are kept apart from the registrations, by conference.evaluation)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    questionnaire: Mapped[Questionnaire] = mapped_column(
        str_enum(Questionnaire), default=Questionnaire.REGISTRATION, server_default="registration"
    )
    label: Mapped[str] = mapped_column(sa.String(300))
    help_text: Mapped[str] = mapped_column(sa.String(500), default="")
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind), default=QuestionKind.TEXT)
    required: Mapped[bool] = mapped_column(default=False)
    # The choices of a single or multiple choice question, in order (answers store these texts).
    options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    # The same texts for visitors who read the site in English (empty: the texts above are shown).
    label_en: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    help_text_en: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    options_en: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Asked only when an earlier question got this answer ("yes"/"no", or one of its options).
    shown_if_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"))
    shown_if_answer: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    # Removed from the form; kept while registrations hold answers to it (the export still shows them).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event"] = relationship(back_populates="questions")
    shown_if: Mapped["Question | None"] = relationship(remote_side=[id])

    @property
    def is_asked(self) -> bool:
        return self.removed_at is None

    def text(self, locale: str, name: str) -> str:
        """``label`` or ``help_text`` in English for an English visitor, when the organiser wrote one."""
        english = getattr(self, f"{name}_en") if str(locale) == "en" else ""
        return english or getattr(self, name)

    def choices(self, locale: str) -> list[tuple[str, str]]:
        """(stored value, what the visitor reads) for each option."""
        shown = self.options_en if str(locale) == "en" and len(self.options_en) == len(self.options) else self.options
        return list(zip(self.options, shown, strict=True))


class Answer(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id", ondelete="CASCADE"), index=True)
    # A string, a boolean, or a list of strings for multiple choice.
    value: Mapped[object] = mapped_column(sa.JSON)

    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id", name="uq_answer_registration_question"),)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class ForumChoice(Model):
    """The forum a registrant takes in one slot of parallel forums."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    # Checked in at the forum's own door (forums with their own check-in), not only at the entrance.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("registration_id", "agenda_item_id", name="uq_forum_choice_registration_item"),
    )

    registration: Mapped[Registration] = relationship(back_populates="forum_choices")
    agenda_item: Mapped["AgendaItem"] = relationship()


class BulkMessage(Model):
    """A message an organiser sent to all or some registrants of an event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(sa.String(20))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # The message in English, for those who registered in English (empty: everyone receives the one above).
    subject_en: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The hash of a random value of the form it was sent from: the same form sent twice is one message.
    submission_key: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User | None"] = relationship()

    @property
    def batch(self) -> str:
        return f"bulk-{self.id}"


class MailText(Model):
    """An organiser's own subject and text of one kind of mail (``mail_texts.KINDS``) in one language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    locale: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (sa.UniqueConstraint("event_id", "kind", "locale"),)
