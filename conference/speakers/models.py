from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model
from conference.materials.models import Visibility

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.events.models import Event
    from conference.people.models import Person


class Answer(LabelledEnum):
    OPEN = "open", _l("Not answered yet")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")


class SpeakerInvitation(Model):
    """A speaker's own link for one event: they answer, check their details and photo, and send their slides."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    # As for registrations: the token is an HMAC of the nonce, only its hash is stored; a new nonce renews the link.
    nonce: Mapped[str] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    answer: Mapped[Answer] = mapped_column(str_enum(Answer), default=Answer.OPEN)
    # Who may download the slides the speaker sends (the organiser's choice when inviting).
    slides_visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.REGISTERED)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The link no longer opens anything (the organisers took it back); a renewal opens it again.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("event_id", "person_id", name="uq_speaker_invitation_event_person"),)

    event: Mapped["Event"] = relationship()
    person: Mapped["Person"] = relationship()
