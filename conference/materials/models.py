from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.agenda.models import AgendaItem
    from conference.events.models import Event


class Visibility(LabelledEnum):
    """Who may fetch a material; the order here is the order of the choices."""

    PUBLIC = "public", _l("Everyone")
    REGISTERED = "registered", _l("Registered participants")
    CHECKED_IN = "checked_in", _l("Participants who were checked in")
    SPEAKERS_PARTNERS = "speakers_partners", _l("Speakers and partners")
    ORGANISERS = "organisers", _l("Organisers only")


class Material(Model):
    """A file for an event (slides, documentation, handouts), optionally of one agenda item."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.REGISTERED)
    # Hidden materials are kept, but only organisers see them.
    hidden: Mapped[bool] = mapped_column(default=False)
    # The file lies under instance/uploads/materials by a random name; the uploaded name is kept for downloads.
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    downloads: Mapped[int] = mapped_column(default=0)
    # The speaker who sent it through their own link (conference.speakers); None: the organisers uploaded it.
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped["Event"] = relationship()
    agenda_item: Mapped["AgendaItem | None"] = relationship()


class PartnerLink(Model):
    """The secret link an event's organisers give to its speakers and partners (one per event, renewable)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    # The link's token is an HMAC of this nonce (as for registrations); a new nonce revokes the old link.
    nonce: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
