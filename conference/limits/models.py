from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.database import UTCDateTime
from conference.extensions import Model


class RateLimitCounter(Model):
    """Requests of one kind from one address within one slice of a sliding window (limits/services.py)."""

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)  # "lost-link:203.0.113.9:28916340"
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
