from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import UTCDateTime, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.agenda.models import AgendaItemPerson
    from conference.organisations.models import Organisation


class Person(Model):
    """A speaker or moderator.

    One ``name`` field rather than first and last name: names from many cultures do not split
    that way, and speakers are sometimes known only by their role ("Projektleitung amoN").
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    academic_title: Mapped[str | None] = mapped_column(sa.String(60))
    function: Mapped[str | None] = mapped_column(sa.String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    biography: Mapped[str] = mapped_column(sa.Text, default="")
    # The photo the person uploaded through their speaker's link (people/photos.py), by its stored name.
    photo: Mapped[str | None] = mapped_column(sa.String(40))
    # The person's own word on showing their photo and biography on public pages: None while they were not asked
    # (a biography the organisers entered is shown, a photo never), True or False once they said.
    shows_profile: Mapped[bool | None] = mapped_column()
    # Who added the person: until they appear in an event, only they and administrators may change them.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped["Organisation | None"] = relationship()
    appearances: Mapped[list["AgendaItemPerson"]] = relationship(back_populates="person", cascade="all, delete-orphan")

    @property
    def public_biography(self) -> str:
        return self.biography if self.shows_profile is not False else ""

    @property
    def public_photo(self) -> str | None:
        return self.photo if self.shows_profile else None

    @property
    def full_name(self) -> str:
        return f"{self.academic_title} {self.name}" if self.academic_title else self.name

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"
