from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.database import UTCDateTime
from conference.extensions import Model


class EventFigures(Model):
    """What the figures of one event read from its registrations, and the figures themselves once its personal data
    is deleted.

    Organisers mark which registration questions are "for statistics": one gives the region (a postcode, or a choice
    of regions or federal states), one the kind of organisation. When the retention period ends, the figures are
    kept here as counts (``kept``) before the answers go, and are shown from them afterwards.
    """

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    region_question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"))
    kind_question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"))
    # The figures as counts (services.Figures.as_stored), and when they were kept; None while they are read live.
    kept: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
