"""Organisers' API tokens: a name, a scope, an expiry, and only the hash of the secret."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, utcnow
from conference.extensions import Model

if TYPE_CHECKING:
    from conference.accounts.models import User


class TokenScope(LabelledEnum):
    READ_REGISTRATIONS = "registrations:read", _l("Read registrations (with their answers)")
    CHECK_IN = "check-in", _l("Check people in by their code")


class ApiToken(Model):
    """A token acts for its owner at the events the owner organises, within its scopes, until it expires or is
    revoked; the secret itself is shown once and never stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    scopes: Mapped[list[str]] = mapped_column(sa.JSON)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    shown_start: Mapped[str] = mapped_column(sa.String(12))  # the secret's first letters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The form that made it: sent again (a reload), it makes no second token.
    submission_key: Mapped[str] = mapped_column(sa.String(32), default="")

    user: Mapped["User"] = relationship()

    @property
    def scope_labels(self) -> list[str]:
        return [str(scope.label) for scope in TokenScope if scope.value in self.scopes]

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
