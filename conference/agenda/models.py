from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum
from conference.events.models import AttendanceMode
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.events.models import Event
    from conference.organisations.models import Organisation
    from conference.people.models import Person


class AgendaItemKind(LabelledEnum):
    WELCOME = "welcome", _l("Welcome")
    KEYNOTE = "keynote", _l("Keynote")
    TALK = "talk", _l("Talk")
    GOOD_PRACTICE = "good_practice", _l("Good-practice example")
    PANEL = "panel", _l("Panel discussion")
    FORUM = "forum", _l("Forum / workshop")
    BREAK = "break", _l("Break")
    LUNCH = "lunch", _l("Lunch break")
    CLOSING = "closing", _l("Closing")

    @property
    def is_pause(self) -> bool:
        return self in (AgendaItemKind.BREAK, AgendaItemKind.LUNCH)


class AppearanceRole(LabelledEnum):
    SPEAKER = "speaker", _l("Speaker")
    MODERATOR = "moderator", _l("Moderation")


class Room(Model):
    """A room or track of an event; parallel forums run in different rooms."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("event_id", "name", name="uq_room_event_name"),)

    event: Mapped["Event"] = relationship(back_populates="rooms")


class AgendaItem(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"), index=True)
    kind: Mapped[AgendaItemKind] = mapped_column(str_enum(AgendaItemKind))
    title: Mapped[str] = mapped_column(sa.String(250))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # A good-practice example presents a project (free text) of an organisation.
    project_name: Mapped[str | None] = mapped_column(sa.String(200))
    presenting_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    # Seats in a forum or workshop that registrants choose; None means as many as the event has.
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    # On site, online or both, for an event that has both; None: as the event.
    attendance_mode: Mapped[AttendanceMode | None] = mapped_column(str_enum(AttendanceMode))

    # Counts edits, so that two organisers editing the same item cannot overwrite each other unseen.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    event: Mapped["Event"] = relationship(back_populates="agenda_items")
    room: Mapped[Room | None] = relationship()
    presenting_organisation: Mapped["Organisation | None"] = relationship()
    appearances: Mapped[list["AgendaItemPerson"]] = relationship(
        back_populates="agenda_item", cascade="all, delete-orphan", order_by="AgendaItemPerson.position"
    )

    def people_in_role(self, role: AppearanceRole) -> list["Person"]:
        return [appearance.person for appearance in self.appearances if appearance.role == role]

    @property
    def speakers(self) -> list["Person"]:
        return self.people_in_role(AppearanceRole.SPEAKER)

    @property
    def moderators(self) -> list["Person"]:
        return self.people_in_role(AppearanceRole.MODERATOR)


class AgendaItemPerson(Model):
    """A person appearing in an agenda item as speaker or moderator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[AppearanceRole] = mapped_column(str_enum(AppearanceRole), default=AppearanceRole.SPEAKER)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("agenda_item_id", "person_id", "role", name="uq_agenda_item_person_role"),)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="appearances")
    person: Mapped["Person"] = relationship(back_populates="appearances")
