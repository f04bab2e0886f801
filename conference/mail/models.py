from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.database import UTCDateTime, str_enum, utcnow
from conference.extensions import Model
from conference.tasks.models import WorkStatus


class OutgoingMail(Model):
    """A message to send, written in the same transaction as the change it reports, with the task that sends it.

    It holds what its builder needs (``builder`` and ``context``, e.g. a registration's id), not the
    rendered message, so that transaction stays short; the message is built at delivery. A plain record:
    queued, done (sent) or failed; the task's lease decides who sends it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    builder: Mapped[str] = mapped_column(sa.String(60))
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    # Mails sent together (e.g. "bulk-7"), so their progress can be counted.
    batch: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    status: Mapped[WorkStatus] = mapped_column(str_enum(WorkStatus), default=WorkStatus.QUEUED, index=True)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
