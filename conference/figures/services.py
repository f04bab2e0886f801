"""The figures funders ask for in the report on a grant (Sachbericht, Verwendungsnachweis), callable without HTTP.

Per event: registrations (all ever made, also cancelled or rejected), confirmed, checked in, no-shows (confirmed,
not checked in, the event over), cancellations, the waiting list at its longest; and the confirmed registrations
by kind of organisation and by region (from the questions the organisers mark as "for statistics"), by forum, and
all registrations by the day they were made. Per network: the same for each of its events in a period, and summed.

No figure names a person: every one is a count. When an event's personal data is deleted (privacy.services.purge),
its figures are kept as counts first (``keep``) and shown from them afterwards.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked
from conference.events.models import Event, EventStatus
from conference.extensions import db
from conference.figures.models import EventFigures
from conference.organisations.models import Organisation
from conference.registration.models import Answer, ForumChoice, Question, QuestionKind, Registration, RegistrationStatus
from conference.registration.questions import asked
from conference.registration.services import forum_slots
from conference.rules import Refusal

BERLIN = ZoneInfo("Europe/Berlin")
# The questions that can be "for statistics": a short text (a postcode, say) or a choice.
STATISTICS_KINDS = (QuestionKind.TEXT, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
POSTCODE = re.compile(r"\d{5}")
EARLIEST_YEAR, LATEST_YEAR = 1990, 2999  # a period outside these is a typing error


class FiguresRefused(Refusal):
    pass


@dataclass
class Group:
    """One line of a breakdown: how many confirmed registrations, and how many of them were checked in."""

    label: str | None  # None: no answer, or an answer that is not a postcode
    confirmed: int = 0
    checked_in: int = 0


@dataclass
class Figures:
    registrations: int = 0
    confirmed: int = 0
    checked_in: int = 0
    no_shows: int | None = None  # None while the event is not over
    cancellations: int = 0
    longest_waiting_list: int = 0
    by_kind: list[Group] = field(default_factory=list)
    by_region: list[Group] = field(default_factory=list)
    by_forum: list[Group] = field(default_factory=list)
    by_day: list[tuple[date, int]] = field(default_factory=list)
    kind_question: str = ""  # the label of the question read for the kinds of organisation ("": none chosen)
    region_question: str = ""
    # Confirmed registrations whose data was deleted on request earlier: "unknown" where their answers are needed.
    deleted_on_request: int = 0
    kept_at: datetime | None = None  # when these were kept as counts, as the personal data was deleted

    def as_stored(self) -> dict[str, Any]:
        stored = asdict(self)
        stored["by_day"] = [[day.isoformat(), count] for day, count in self.by_day]
        del stored["kept_at"]
        return stored

    @classmethod
    def from_stored(cls, stored: dict[str, Any], kept_at: datetime | None) -> "Figures":
        values: dict[str, Any] = dict(stored)
        for name in ("by_kind", "by_region", "by_forum"):
            values[name] = [Group(**group) for group in stored[name]]
        values["by_day"] = [(date.fromisoformat(day), count) for day, count in stored["by_day"]]
        return cls(**values, kept_at=kept_at)


# --- which questions are read ------------------------------------------------------------------


def settings_of(event: Event) -> EventFigures:
    """The event's row, or a new one (not stored) when nobody chose questions yet."""
    return db.session.get(EventFigures, event.id) or EventFigures(event_id=event.id)


def statistics_questions(event: Event) -> list[Question]:
    """The event's questions that can give the region or the kind of organisation, in the order of the form."""
    return [question for question in asked(event) if question.kind in STATISTICS_KINDS]


def _chosen(event: Event, question_id: int | None) -> Question | None:
    return next((question for question in event.questions if question.id == question_id), None)


def choose_questions(
    event_id: int, region_question_id: int | None, kind_question_id: int | None, *, by: Actor | None
) -> None:
    """Mark the questions whose answers give the region and the kind of organisation (None: no question)."""
    with row_locked(Event, event_id) as event:
        allowed = {question.id: question for question in statistics_questions(event)}
        for chosen, name in ((region_question_id, "region"), (kind_question_id, "kind")):
            if chosen is not None and chosen not in allowed:
                raise FiguresRefused(_("Please choose a question with a short text or a choice as answer."), name)
        settings = settings_of(event)
        if settings.kept is not None:
            raise FiguresRefused(
                _("The figures were kept when the personal data was deleted; the questions can no longer be changed.")
            )
        settings.region_question_id, settings.kind_question_id = region_question_id, kind_question_id
        db.session.add(settings)
        chosen_labels = [allowed[chosen].label for chosen in (region_question_id, kind_question_id) if chosen]
        record(AuditAction.FIGURES_QUESTIONS_CHOSEN, ", ".join(chosen_labels), event.id, by=by)


# --- one event ------------------------------------------------------------------------------


def figures_of(event: Event, now: datetime) -> Figures:
    """The event's figures: as kept when its personal data was deleted, else counted now."""
    settings = db.session.get(EventFigures, event.id)
    if settings is not None and settings.kept is not None:
        return Figures.from_stored(settings.kept, settings.kept_at)
    return _counted(event, settings or EventFigures(event_id=event.id), now)


def keep(event: Event, now: datetime) -> None:
    """Keep the event's figures as counts, before its personal data (the answers) is deleted. The caller holds the
    event's lock, and commits; figures kept once stay as they were."""
    settings = settings_of(event)
    if settings.kept is None:
        settings.kept, settings.kept_at = _counted(event, settings, now).as_stored(), now
        db.session.add(settings)


def _counted(event: Event, settings: EventFigures, now: datetime) -> Figures:
    by_status: dict[RegistrationStatus, int] = dict(
        db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.event_id == event.id)
            .group_by(Registration.status)
        ).all()
    )
    # Who took part: confirmed registrations, with whether they were checked in, and whether their data is gone.
    people = {
        registration_id: (checked_in_at is not None, anonymised_at is not None)
        for registration_id, checked_in_at, anonymised_at in db.session.execute(
            sa.select(Registration.id, Registration.checked_in_at, Registration.anonymised_at).where(
                Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
            )
        )
    }
    attended = {registration_id: checked_in for registration_id, (checked_in, _gone) in people.items()}
    confirmed, checked_in = len(attended), sum(attended.values())
    kind_question = _chosen(event, settings.kind_question_id)
    region_question = _chosen(event, settings.region_question_id)
    return Figures(
        registrations=sum(by_status.values()),
        confirmed=confirmed,
        checked_in=checked_in,
        no_shows=confirmed - checked_in if event.has_ended(now) else None,
        cancellations=by_status.get(RegistrationStatus.CANCELLED, 0),
        longest_waiting_list=max(event.longest_waiting_list, by_status.get(RegistrationStatus.WAITLISTED, 0)),
        by_kind=_by_answer(kind_question, attended, postcode=False),
        by_region=_by_answer(region_question, attended, postcode=True),
        by_forum=_by_forum(event, attended),
        by_day=_by_day(event),
        kind_question=kind_question.label if kind_question else "",
        region_question=region_question.label if region_question else "",
        deleted_on_request=sum(gone for _checked_in, gone in people.values()),
    )


def _by_day(event: Event) -> list[tuple[date, int]]:
    """All registrations made, by their day in Berlin."""
    days = Counter(
        made.astimezone(BERLIN).date()
        for made in db.session.scalars(sa.select(Registration.created_at).where(Registration.event_id == event.id))
    )
    return sorted(days.items())


def _by_forum(event: Event, attended: dict[int, bool]) -> list[Group]:
    forums = [item for slot in forum_slots(event) for item in slot.items]
    if not forums:
        return []
    chosen = db.session.execute(
        sa.select(ForumChoice.registration_id, ForumChoice.agenda_item_id).where(
            ForumChoice.agenda_item_id.in_([item.id for item in forums])
        )
    ).all()
    groups = {item.id: Group(item.title) for item in forums}
    for registration_id, item_id in chosen:
        if registration_id in attended:
            groups[item_id].confirmed += 1
            groups[item_id].checked_in += attended[registration_id]
    return list(groups.values())


def _by_answer(question: Question | None, attended: dict[int, bool], postcode: bool) -> list[Group]:
    """The confirmed registrations by their answer to ``question``: a choice by its options (in their order, a
    person counted once for each option chosen), a text for the region as a German postcode's first two digits,
    another text as written; no answer (also one deleted with the person's data) as unknown."""
    if question is None:
        return []
    answers = dict(
        db.session.execute(
            sa.select(Answer.registration_id, Answer.value).where(Answer.question_id == question.id)
        ).all()
    )
    groups: dict[str | None, Group] = {}
    if question.kind in CHOICE_KINDS:
        groups = {option: Group(option) for option in question.options}
    for registration_id, checked_in in attended.items():
        for label in _labels(question, answers.get(registration_id), postcode):
            group = groups.setdefault(label, Group(label))
            group.confirmed += 1
            group.checked_in += checked_in
    known = [group for label, group in groups.items() if label is not None]
    if question.kind not in CHOICE_KINDS:
        known.sort(key=lambda group: group.label or "")
    return known + ([groups[None]] if None in groups else [])


def _labels(question: Question, answer: object, postcode: bool) -> list[str | None]:
    if isinstance(answer, list):  # multiple choice
        return [str(option) for option in answer] or [None]
    text = str(answer).strip() if isinstance(answer, str) else ""
    if question.kind not in CHOICE_KINDS and postcode:
        return [f"PLZ {text[:2]}…" if POSTCODE.fullmatch(text) else None]
    return [text or None]


# --- a network over a period ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=BERLIN)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=BERLIN)


class PeriodRefused(Refusal):
    pass


def _network_events(network_id: int) -> sa.Select[Event]:
    # Drafts were never open to the public: their registrations are trials, not figures.
    return sa.select(Event).where(Event.network_id == network_id, Event.status != EventStatus.DRAFT)


def default_period(network: Organisation, today: date) -> Period:
    """From the day of the network's first event to that of its last; this year when it has none."""
    first, last = db.session.execute(
        _network_events(network.id).with_only_columns(sa.func.min(Event.starts_at), sa.func.max(Event.starts_at))
    ).one()  # min and max keep the column's type: instants in UTC
    if first is None:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31))
    return Period(first.astimezone(BERLIN).date(), last.astimezone(BERLIN).date())


def period(first: str | None, last: str | None, default: Period) -> Period:
    """The period asked for (dates as YYYY-MM-DD, as date fields send them); what is left empty, from ``default``."""
    days = []
    for text, name, fallback in ((first, "from", default.first), (last, "to", default.last)):
        text = (text or "").strip()
        try:
            day = date.fromisoformat(text) if text else fallback
        except ValueError:
            raise PeriodRefused(_("Please enter a date such as 2011-09-29."), name) from None
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise PeriodRefused(
                _("Please enter a date between %(first)s and %(last)s.", first=EARLIEST_YEAR, last=LATEST_YEAR), name
            )
        days.append(day)
    if days[0] > days[1]:
        raise PeriodRefused(_("The period must not end before it begins."), "to")
    return Period(days[0], days[1])


def network_events(network: Organisation, within: Period) -> list[Event]:
    """The network's events (drafts left out) that begin in the period, in order of time."""
    return list(
        db.session.scalars(
            _network_events(network.id)
            .where(Event.starts_at >= within.starts_at, Event.starts_at < within.ends_at)
            .order_by(Event.starts_at, Event.id)
        )
    )


def network_figures(events: Sequence[Event], now: datetime) -> tuple[list[tuple[Event, Figures]], Figures]:
    """Each event's figures, and their sum: breakdowns summed by the texts of their lines (the same option at two
    events is one line), the waiting lists' longest summed over the events."""
    each = [(event, figures_of(event, now)) for event in events]
    return each, summed([figures for _event, figures in each])


def summed(all_figures: Sequence[Figures]) -> Figures:
    no_shows = [figures.no_shows for figures in all_figures if figures.no_shows is not None]
    days: Counter[date] = Counter()
    for figures in all_figures:
        days.update(dict(figures.by_day))
    return Figures(
        registrations=sum(figures.registrations for figures in all_figures),
        confirmed=sum(figures.confirmed for figures in all_figures),
        checked_in=sum(figures.checked_in for figures in all_figures),
        no_shows=sum(no_shows) if no_shows else None,
        cancellations=sum(figures.cancellations for figures in all_figures),
        longest_waiting_list=sum(figures.longest_waiting_list for figures in all_figures),
        by_kind=_merged(_or_unknown(figures.by_kind, figures) for figures in all_figures),
        by_region=_merged(_or_unknown(figures.by_region, figures) for figures in all_figures),
        by_forum=_merged(figures.by_forum for figures in all_figures),
        by_day=sorted(days.items()),
        deleted_on_request=sum(figures.deleted_on_request for figures in all_figures),
    )


def _or_unknown(breakdown: list[Group], figures: Figures) -> list[Group]:
    """An event's breakdown, or, where no question was chosen for it, everyone confirmed as unknown (so that the
    lines of a network add up to its confirmed registrations)."""
    return breakdown or ([Group(None, figures.confirmed, figures.checked_in)] if figures.confirmed else [])


def _merged(breakdowns: Iterable[list[Group]]) -> list[Group]:
    merged: dict[str | None, Group] = {}
    for breakdown in breakdowns:
        for group in breakdown:
            total = merged.setdefault(group.label, Group(group.label))
            total.confirmed += group.confirmed
            total.checked_in += group.checked_in
    return [group for label, group in merged.items() if label is not None] + ([merged[None]] if None in merged else [])
