from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.events.models import Event


class UserRole(LabelledEnum):
    """What an account may do outside the events assigned to it (accounts/access.py has the table)."""

    ADMINISTRATOR = "administrator", _l("Administrator")
    ORGANISER = "organiser", _l("Event organiser")
    CHECK_IN = "check_in", _l("Check-in helper (only the door of the events assigned)")


class EventRole(LabelledEnum):
    ORGANISER = "organiser", _l("Organiser")
    CHECK_IN = "check_in", _l("Check-in helper")


class User(UserMixin, Model):
    """An organiser's login. Attendees need no account: they use the secret link of their registration."""

    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[UserRole] = mapped_column(str_enum(UserRole), default=UserRole.ORGANISER)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Part of what the session cookie names (get_id): raised at log-out, a new password and
    # deactivation, it ends every session of the account, also copies of its cookie.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-factor log-in (accounts/two_factor.py): the authenticator's secret, encrypted; hashes of the
    # unused recovery codes; the last time step whose code was taken (a code works once); and
    # whether an administrator requires it of this account.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(300))
    recovery_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    totp_last_step: Mapped[int] = mapped_column(default=0, server_default="0")
    two_factor_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The one-time link that lets the owner log in while guessing has locked the log-in (accounts/services.py);
    # None once used, or when none was asked for.
    unlock_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignments: Mapped[list["EventAssignment"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def is_administrator(self) -> bool:
        return self.role == UserRole.ADMINISTRATOR

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class EventAssignment(Model):
    """Who may manage (or only check people in at) which event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    role: Mapped[EventRole] = mapped_column(str_enum(EventRole), default=EventRole.ORGANISER)

    __table_args__ = (sa.UniqueConstraint("user_id", "event_id", name="uq_event_assignment_user_event"),)

    user: Mapped[User] = relationship(back_populates="assignments")
    event: Mapped["Event"] = relationship()
