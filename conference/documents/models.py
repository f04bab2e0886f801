from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model
from conference.tasks.models import WorkStatus

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.events.models import Event
    from conference.registration.models import Registration


class Certificate(Model):
    """A certificate of attendance as issued: its number proves it on the verification page.

    Name and event title are kept as printed, so the verification page confirms what the paper
    says even if the registration or the event is changed later.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), unique=True
    )
    holder_name: Mapped[str] = mapped_column(sa.String(201))
    event_title: Mapped[str] = mapped_column(sa.String(250))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event"] = relationship()
    registration: Mapped["Registration | None"] = relationship()


class DocumentJob(Model):
    """A big document made in the background (all certificates of an event), kept until fetched: a plain record of
    the progress the task making it reports (the task holds the lease)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(30))  # "certificates.pdf" or "certificates.zip"
    send_mail: Mapped[bool] = mapped_column(default=False)
    status: Mapped[WorkStatus] = mapped_column(str_enum(WorkStatus), default=WorkStatus.QUEUED, index=True)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    # Where the result lies under instance/documents (a random name), and the name it is downloaded as.
    stored_name: Mapped[str | None] = mapped_column(sa.String(80))
    download_name: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event"] = relationship()


class SheetLayout(LabelledEnum):
    STANDARD = "standard", _l("Standard (A4 portrait)")
    FUNDER = "funder", _l("Funder layout (A4 landscape, more columns)")


class SignInSheet(Model):
    """How an event's attendee list with signatures looks, once its organisers changed it: the layout, and the
    registration questions whose answers it shows as extra columns, in order (ids of questions no longer asked are
    skipped when it is printed)."""

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    layout: Mapped[SheetLayout] = mapped_column(str_enum(SheetLayout), default=SheetLayout.STANDARD)
    question_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
