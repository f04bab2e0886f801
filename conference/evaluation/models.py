"""What an evaluation stores: who was asked and whether they answered, apart from what was answered.

Nothing joins an answer to a person: a response has a random id, its event and the day it came, no
registration, no time of day; an invitation knows only *that* its person answered (so that the reminder
skips them). Responses and their answers outlive the deletion of the event's personal data.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import UTCDateTime
from conference.extensions import Model

if TYPE_CHECKING:
    from conference.registration.models import Question, Registration


class Evaluation(Model):
    """An event's evaluation: whether it is mailed by itself the morning after, and when it was sent."""

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    mailed_by_itself: Mapped[bool] = mapped_column(default=True)
    invited: Mapped[int] = mapped_column(default=0)  # how many were asked, kept when their data is deleted
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invitation(Model):
    """That a person was asked to evaluate the event, by the link only they hold, and whether they answered."""

    __tablename__ = "evaluation_invitation"

    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered: Mapped[bool] = mapped_column(default=False)

    registration: Mapped["Registration"] = relationship()


class Response(Model):
    """One person's answers, with nothing that leads back to them."""

    __tablename__ = "evaluation_response"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # random, so not even the order shows
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    # The forums the person had chosen, so that results can be shown per forum (from three responses on).
    forum_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)

    answers: Mapped[list["ResponseAnswer"]] = relationship(cascade="all, delete-orphan")


class ResponseAnswer(Model):
    __tablename__ = "evaluation_answer"

    response_id: Mapped[str] = mapped_column(
        sa.ForeignKey("evaluation_response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id", ondelete="CASCADE"), primary_key=True)
    # As answered: a point of the scale, an option's text, a list of them, yes/no, or a text.
    value: Mapped[object] = mapped_column(sa.JSON)

    question: Mapped["Question"] = relationship()
