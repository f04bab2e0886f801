"""The rules of an event's evaluation: its questions, who is asked and when, answering once, and the results.

Only people checked in are asked, the morning after the event (or when an organiser sends it), with one
reminder a few days later to those who have not answered. The results of a question, of a forum or of
the whole evaluation are shown only when at least ``MIN_ANSWERS`` people answered it.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.agenda.models import AgendaItem
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked
from conference.evaluation.models import Evaluation, Invitation, Response, ResponseAnswer
from conference.events.models import Event, EventStatus
from conference.extensions import db
from conference.mail import services as mail
from conference.registration.models import Question, QuestionKind, Questionnaire, Registration, RegistrationStatus
from conference.registration.questions import SCALE, asked, fits, is_shown
from conference.registration.signals import answers_kept
from conference.rules import Refusal

MIN_ANSWERS = 3  # fewer could tell who answered what
MORNING = time(8)  # the mail goes out from this hour of the day after the event
REMIND_AFTER = timedelta(days=4)
REMIND_BY_HAND_AFTER = timedelta(days=2)  # the reminder says the evaluation came "a few days ago"
# An event that ended longer ago is not evaluated by itself: nobody remembers it, and an evaluation added to an old
# event must not mail its attendees out of the blue.
ASKED_WITHIN = timedelta(days=7)


class EvaluationError(Refusal):
    pass


# --- the questions ---------------------------------------------------------------------------------


def questions_of(event: Event) -> list[Question]:
    return asked(event, Questionnaire.EVALUATION)


# A Fachtagung's usual questionnaire; organisers change it with the question pages of the registration form.
STANDARD_SET: tuple[tuple[QuestionKind, str, str, list[str], list[str]], ...] = (
    (
        QuestionKind.SCALE,
        "Wie zufrieden waren Sie mit der Veranstaltung insgesamt?",
        "How satisfied were you with the event as a whole?",
        ["gar nicht zufrieden", "sehr zufrieden"],
        ["not at all satisfied", "very satisfied"],
    ),
    (
        QuestionKind.SCALE,
        "Wie hilfreich waren die Vorträge für Ihre Arbeit?",
        "How useful were the talks for your work?",
        ["gar nicht hilfreich", "sehr hilfreich"],
        ["not useful at all", "very useful"],
    ),
    (
        QuestionKind.SCALE,
        "Wie bewerten Sie die Organisation (Anmeldung, Ablauf, Verpflegung)?",
        "How do you rate the organisation (registration, schedule, catering)?",
        ["sehr schlecht", "sehr gut"],
        ["very poor", "very good"],
    ),
    (
        QuestionKind.SINGLE_CHOICE,
        "Wie sind Sie auf die Veranstaltung aufmerksam geworden?",
        "How did you hear about the event?",
        ["Einladung per E-Mail", "Kolleginnen und Kollegen", "Website des Netzwerks", "Sonstiges"],
        ["Invitation by e-mail", "Colleagues", "The network's website", "Other"],
    ),
    (
        QuestionKind.MULTIPLE_CHOICE,
        "Welche Themen wünschen Sie sich für künftige Veranstaltungen?",
        "Which topics would you like future events to cover?",
        ["Anerkennung ausländischer Abschlüsse", "Beratung und Begleitung", "Qualifizierung", "Arbeitsmarktzugang"],
        ["Recognition of foreign qualifications", "Counselling and guidance", "Training", "Access to work"],
    ),
    (
        QuestionKind.LONG_TEXT,
        "Was möchten Sie uns noch mitteilen?",
        "Is there anything else you would like to tell us?",
        [],
        [],
    ),
)


def add_standard_set(event: Event) -> list[Question]:
    """The standard questions, added to the end of the event's forms."""
    first = max((question.position for question in event.questions), default=-1) + 1
    questions = [
        Question(
            questionnaire=Questionnaire.EVALUATION,
            kind=kind,
            label=label,
            label_en=label_en,
            options=list(options),
            options_en=list(options_en),
            position=position,
        )
        for position, (kind, label, label_en, options, options_en) in enumerate(STANDARD_SET, first)
    ]
    event.questions.extend(questions)
    return questions


def use_standard_set(event_id: int, *, by: Actor | None) -> None:
    """Ask the standard questions of a Fachtagung, to an evaluation that has none yet."""
    with row_locked(Event, event_id) as event:
        if questions_of(event):
            raise EvaluationError(_("The evaluation already has questions."))
        add_standard_set(event)
        record(AuditAction.QUESTION_SAVED, _("Standard questions of the evaluation"), event.id, by=by)


@answers_kept.connect
def _answers_in_evaluations(question: Question) -> int:
    return db.session.scalars(sa.select(sa.func.count()).where(ResponseAnswer.question_id == question.id)).one()


# --- asking ------------------------------------------------------------------------------------------


def link_token(registration: Registration) -> str:
    """The secret of a person's evaluation link; a new link of their registration (or its deletion) ends it."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"evaluation:{registration.link_nonce}".encode(), hashlib.sha256).hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def state_of(event_id: int) -> Evaluation:
    """The event's evaluation as stored, or as it is before anything was stored (not added to the session)."""
    return db.session.get(Evaluation, event_id) or Evaluation(event_id=event_id, mailed_by_itself=True, invited=0)


def _stored_state(event_id: int) -> Evaluation:
    """The event's evaluation, to be changed (the caller holds the event's lock)."""
    state = db.session.get(Evaluation, event_id)
    if state is None:
        state = Evaluation(event_id=event_id, mailed_by_itself=True, invited=0)
        db.session.add(state)
    return state


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def first_mail_due(event: Event) -> datetime:
    """The morning after the event, local time."""
    day_after = _local(event.ends_at).date() + timedelta(days=1)
    return datetime.combine(day_after, MORNING, tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def _check_in_to_ask(event: Event, now: datetime) -> None:
    if not questions_of(event):
        raise EvaluationError(_("The evaluation has no questions yet."))
    if event.status != EventStatus.PUBLISHED:
        raise EvaluationError(_("Only a published event that took place can be evaluated."))
    if not event.has_ended(now):
        raise EvaluationError(_("The evaluation can be sent once the event is over."))


def new_invitation(registration: Registration, now: datetime) -> Invitation:
    invitation = Invitation(registration=registration, token_hash=_digest(link_token(registration)), invited_at=now)
    db.session.add(invitation)
    return invitation


def _attendees_to_invite(event_id: int) -> sa.Select[Registration]:
    """Those checked in, with an address, not asked yet."""
    return sa.select(Registration).where(
        Registration.event_id == event_id,
        Registration.checked_in_at.is_not(None),
        Registration.anonymised_at.is_(None),
        Registration.email.is_not(None),
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.id.not_in(sa.select(Invitation.registration_id)),
    )


def _unanswered(event_id: int) -> sa.Select[Invitation]:
    """Those asked who have not answered nor been reminded."""
    return (
        sa.select(Invitation)
        .join(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.anonymised_at.is_(None),
            Registration.email.is_not(None),
            Invitation.answered.is_(False),
            Invitation.reminded_at.is_(None),
        )
    )


def _count(query: sa.Select[Any]) -> int:
    return db.session.scalars(sa.select(sa.func.count()).select_from(query.subquery())).one()


def to_invite_count(event_id: int) -> int:
    return _count(_attendees_to_invite(event_id))


def unanswered_count(event_id: int) -> int:
    return _count(_unanswered(event_id))


def invite(event_id: int, now: datetime, *, by: Actor | None) -> int:
    """Mail the evaluation to everyone checked in who has not been asked yet; returns how many."""
    with row_locked(Event, event_id) as event:
        _check_in_to_ask(event, now)
        attendees = db.session.scalars(_attendees_to_invite(event.id)).all()
        state = _stored_state(event.id)
        state.invited_at = state.invited_at or now
        state.invited += len(attendees)  # the response rate outlives the invitations, deleted with the people
        batch = f"evaluation-{event.id}-{secrets.token_hex(4)}"
        for registration in attendees:
            new_invitation(registration, now)
            mail.queue_later("evaluation", registration.address, batch, registration_id=registration.id, unlisted=True)
        if attendees:
            mail.send_batch_later(batch, event.id)
            record(AuditAction.EVALUATION_SENT, str(len(attendees)), event.id, by=by)
    return len(attendees)


def remind(event_id: int, now: datetime, *, by: Actor | None) -> int:
    """Remind, once, everyone asked who has not answered; returns how many."""
    with row_locked(Event, event_id) as event:
        _check_in_to_ask(event, now)
        state = _stored_state(event.id)
        if state.invited_at is None:
            raise EvaluationError(_("Please send the evaluation first."))
        if now < state.invited_at + REMIND_BY_HAND_AFTER:
            when = format_datetime(state.invited_at + REMIND_BY_HAND_AFTER, "short")
            raise EvaluationError(
                _("The reminder can be sent from %(when)s, a few days after the evaluation.", when=when)
            )
        waiting = db.session.scalars(_unanswered(event.id)).all()
        state.reminded_at = now
        batch = f"evaluation-reminder-{event.id}-{secrets.token_hex(4)}"
        for invitation in waiting:
            invitation.reminded_at = now
            mail.queue_later(
                "evaluation",
                invitation.registration.address,
                batch,
                registration_id=invitation.registration_id,
                reminder=True,
                unlisted=True,
            )
        if waiting:
            mail.send_batch_later(batch, event.id)
            record(AuditAction.EVALUATION_REMINDER_SENT, str(len(waiting)), event.id, by=by)
    return len(waiting)


def set_mailed_by_itself(event_id: int, mailed_by_itself: bool, *, by: Actor | None) -> None:
    with row_locked(Event, event_id) as event:
        state = _stored_state(event.id)
        if state.mailed_by_itself != mailed_by_itself:
            state.mailed_by_itself = mailed_by_itself
            record(
                AuditAction.EVALUATION_SETTINGS,
                _("Sent by itself") if mailed_by_itself else _("Sent only by hand"),
                event.id,
                by=by,
            )


def due(now: datetime) -> tuple[list[int], list[int]]:
    """The events whose evaluation is to be mailed now by itself, and those whose reminder is."""
    recent = db.session.scalars(
        sa.select(Event).where(
            Event.status == EventStatus.PUBLISHED,
            Event.ends_at <= now,
            Event.ends_at > now - ASKED_WITHIN - REMIND_AFTER,
            sa.exists().where(
                Question.event_id == Event.id,
                Question.questionnaire == Questionnaire.EVALUATION,
                Question.removed_at.is_(None),
            ),
        )
    ).all()
    states = {
        state.event_id: state
        for state in db.session.scalars(sa.select(Evaluation).where(Evaluation.event_id.in_([e.id for e in recent])))
    }
    first, reminder = [], []
    for event in recent:
        state = states.get(event.id) or state_of(event.id)
        if not state.mailed_by_itself:
            continue
        if state.invited_at is None and first_mail_due(event) <= now < event.ends_at + ASKED_WITHIN:
            first.append(event.id)
        elif state.invited_at and state.reminded_at is None and state.invited_at + REMIND_AFTER <= now:
            reminder.append(event.id)
    return first, reminder


# --- answering ---------------------------------------------------------------------------------------


def invitation_for(token: str) -> Invitation | None:
    if not token or len(token) > 128:
        return None
    return db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == _digest(token)))


class AlreadyAnswered(EvaluationError):
    pass


def answer(token: str, answers: dict[int, object], now: datetime) -> None:
    """Store a person's answers apart from them, and that they answered; a link answers once."""
    invitation = invitation_for(token)
    if invitation is None:
        raise EvaluationError(_("This link is not valid (any more)."))
    with row_locked(Invitation, invitation.registration_id) as invitation:
        if invitation.answered:
            raise AlreadyAnswered(_("You have already answered. Thank you!"))
        registration = invitation.registration
        questions = questions_of(registration.event)
        response = Response(
            id=secrets.token_hex(16),
            event_id=registration.event_id,
            day=_local(now).date(),
            forum_ids=sorted(choice.agenda_item_id for choice in registration.forum_choices),
        )
        for question in questions:
            value = answers.get(question.id)
            if value in (None, "", []) or not is_shown(question, answers) or not fits(question, value):
                continue
            response.answers.append(ResponseAnswer(question_id=question.id, value=value))
        db.session.add(response)
        invitation.answered = True


# --- results -----------------------------------------------------------------------------------------


def enough(answered: int, answered_by_the_others: int = 0) -> bool:
    """Whether results of ``answered`` people can be shown: at least MIN_ANSWERS, and, for a part (a forum), not a
    part whose rest has fewer than MIN_ANSWERS (else the whole less the part would show those few answers)."""
    return answered >= MIN_ANSWERS and answered_by_the_others not in range(1, MIN_ANSWERS)


@dataclass
class Item:
    """The results of one question: ``rows`` of (what was answered, how many, share) for a scale or choices,
    ``texts`` as written; nothing of them unless ``shown``."""

    question: Question
    answered: int
    shown: bool
    rows: list[tuple[str, int, float]] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def has_texts(self) -> bool:
        return self.question.kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT)


@dataclass
class Results:
    invited: int | None  # unknown for a forum: those asked are not known by forum
    responses: int
    shown: bool
    items: list[Item]
    forum: AgendaItem | None = None

    @property
    def rate(self) -> float | None:
        return self.responses / self.invited if self.invited else None


def responses_of(event_id: int) -> list[Response]:
    answers = selectinload(Response.answers)
    query = sa.select(Response).where(Response.event_id == event_id).order_by(Response.id).options(answers)
    return list(db.session.scalars(query))


def evaluated_questions(event: Event) -> list[Question]:
    """The evaluation's questions, and those taken off it that were answered, in the order of the form."""
    evaluation = [question for question in event.questions if question.questionnaire == Questionnaire.EVALUATION]
    answered = set(
        db.session.scalars(
            sa.select(ResponseAnswer.question_id).where(ResponseAnswer.question_id.in_([q.id for q in evaluation]))
        )
    )
    return [question for question in evaluation if question.is_asked or question.id in answered]


def forums_of(event: Event) -> list[AgendaItem]:
    """The forums results can be shown for: those anyone who answered had chosen."""
    chosen = {forum_id for response in responses_of(event.id) for forum_id in response.forum_ids}
    return [item for item in event.agenda_items if item.id in chosen]


def _answers_by_question(responses: list[Response]) -> dict[int, list[object]]:
    by_question: dict[int, list[object]] = {}
    for response in responses:
        for given in response.answers:
            by_question.setdefault(given.question_id, []).append(given.value)
    return by_question


def results(event: Event, forum: AgendaItem | None = None) -> Results:
    """The results of the whole evaluation, or of those who had chosen ``forum``."""
    every = responses_of(event.id)
    part = [r for r in every if forum is None or forum.id in r.forum_ids]
    others = [r for r in every if forum is not None and forum.id not in r.forum_ids]
    given, given_by_others = _answers_by_question(part), _answers_by_question(others)
    items = [
        _item(
            question,
            given.get(question.id, []),
            enough(len(given.get(question.id, [])), len(given_by_others.get(question.id, []))),
        )
        for question in evaluated_questions(event)
    ]
    return Results(
        invited=None if forum else state_of(event.id).invited,
        responses=len(part),
        shown=enough(len(part), len(others)),
        items=items,
        forum=forum,
    )


def _item(question: Question, values: list[object], shown: bool) -> Item:
    item = Item(question, answered=len(values), shown=shown)
    if not shown:
        return item
    if item.has_texts:
        item.texts = [str(value) for value in values]
        return item
    if question.kind == QuestionKind.SCALE:
        ends = {SCALE[0]: question.options[0], SCALE[-1]: question.options[-1]}
        labels = {point: f"{point} – {ends[point]}" if point in ends else str(point) for point in SCALE}
        points = [value for value in values if isinstance(value, int)]
        item.mean = sum(points) / len(points) if points else None
        counted = {labels[point]: points.count(point) for point in SCALE}
    elif question.kind == QuestionKind.YES_NO:
        counted = {_("Yes"): values.count(True), _("No"): values.count(False)}
    else:
        chosen = [option for value in values for option in (value if isinstance(value, list) else [value])]
        # Options as the question has them now, then answers to options since changed, as they were given.
        counted = {option: 0 for option in question.options}
        for option in chosen:
            counted[str(option)] = counted.get(str(option), 0) + 1
    item.rows = [(label, count, count / item.answered) for label, count in counted.items()]
    return item
