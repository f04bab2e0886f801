from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.events.models import EventPartner


class OrganisationKind(LabelledEnum):
    NETWORK = "network", _l("Network")
    PROJECT = "project", _l("Project")
    EDUCATION_PROVIDER = "education_provider", _l("Education provider")
    PUBLIC_AUTHORITY = "public_authority", _l("Public authority")
    RESEARCH = "research", _l("University or research institute")
    ASSOCIATION = "association", _l("Association or initiative")
    COMPANY = "company", _l("Company")
    OTHER = "other", _l("Other organisation")


class Organisation(Model):
    """A network, project, training centre, funder or any other body taking part in events.

    A project (e.g. "amoN") names the organisation that runs it as its parent
    (e.g. "Schweriner Ausbildungszentrum e.V.").
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(60))
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind), default=OrganisationKind.OTHER)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    city: Mapped[str | None] = mapped_column(sa.String(100))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    # The stored name of an uploaded logo (see organisations/logos.py).
    logo: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The websites that may show its events and registration forms inside their pages (embed/), as origins
    # separated by spaces, as a Content-Security-Policy lists them: "https://www.bqn-emscher-lippe.de …". Every other
    # site is refused by the browser (frame-ancestors). Text, not JSON: PostgreSQL compares no JSON (SELECT DISTINCT).
    embed_origins: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Who added it: an organiser keeps the organisations they added (and those partnering their events).
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent", order_by="Organisation.name")
    event_roles: Mapped[list["EventPartner"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def embedding_websites(self) -> list[str]:
        return self.embed_origins.split()

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"
