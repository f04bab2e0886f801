from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import UTCDateTime, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.accounts.models import User


class DeletionRecord(Model):
    """That personal data was deleted, when, why and by whom: the proof asked for by Art. 5(2) DSGVO.

    It holds no personal data of the people deleted, only how many registrations it concerned.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="SET NULL"), index=True)
    event_title: Mapped[str] = mapped_column(sa.String(250))
    reason: Mapped[str] = mapped_column(sa.String(20))  # "retention" or "request"
    # What the organiser who deleted on request gave as the reason ("Bitte per Mail vom 3.12."), shown with the record.
    note: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    registrations: Mapped[int] = mapped_column()
    # The organiser who deleted on request; none for the automatic deletion or the person's own request.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped["User | None"] = relationship()
