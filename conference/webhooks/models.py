"""A webhook: an address that is told of each change to the registrations of one event or of a network's events;
and each delivery to it, kept for its log."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model

if TYPE_CHECKING:
    from conference.accounts.models import User
    from conference.events.models import Event
    from conference.organisations.models import Organisation


class Webhook(Model):
    """Made by an organiser, for one event or for a network; it tells of changes only at the events its owner
    organises, while they do (as their API tokens), and is paused after failing again and again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str] = mapped_column(sa.String(300))  # sealed (Fernet, from SECRET_KEY), as two-factor secrets
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_in_a_row: Mapped[int] = mapped_column(default=0)  # deliveries that failed for good since the last success
    # After an attempt that did not reach the receiver: until then, the others wait their turn without trying.
    quiet_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()
    event: Mapped["Event | None"] = relationship()
    network: Mapped["Organisation | None"] = relationship()

    __table_args__ = (sa.CheckConstraint("(event_id IS NULL) <> (network_id IS NULL)", name="one_scope"),)

    @property
    def scope_name(self) -> str:
        if self.event is not None:
            return self.event.title
        return self.network.name if self.network else ""


class DeliveryStatus(LabelledEnum):
    QUEUED = "queued", _l("waiting")
    SENT = "sent", _l("delivered")
    FAILED = "failed", _l("failed")
    HELD = "held", _l("held while paused")


class FailureReason(LabelledEnum):
    """Why an attempt failed, stored by its key and shown in the reader's language (besides the status code)."""

    ANSWERED = "answered", _l("The receiver answered with an error.")
    UNREACHABLE = "unreachable", _l("The receiver could not be reached.")
    TIMEOUT = "timeout", _l("The receiver did not answer in time.")
    CERTIFICATE = "certificate", _l("The receiver's certificate is not valid.")
    NOT_TRIED = "not_tried", _l("Not tried: the receiver could not be reached a moment ago.")
    REFUSED = "refused", _l("Not sent: the address is no longer https, not known, or leads into a private network.")


class Delivery(Model):
    """One message to a webhook: what it said (kept for resending, removed with the person's data), and how the
    receiver answered."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))  # a registration.signals.Change, or registration.deleted
    payload: Mapped[str] = mapped_column(sa.Text)  # the JSON body, exactly as signed
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    response_code: Mapped[int | None] = mapped_column()
    error: Mapped[FailureReason | None] = mapped_column(str_enum(FailureReason))  # of the last attempt
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    webhook: Mapped[Webhook] = relationship()
