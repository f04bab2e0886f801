"""The figures on a page, as a workbook (XLSX) and as a printed report (PDF): counts only, never a name or an address.

An event's report and a network's are built alike from a ``Report``: the page, the workbook and the PDF show the same
tables, and the page and the PDF the same charts.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from conference.charts import Chart, bars
from conference.documents.pdf import Metadata
from conference.documents.render import render_chunks
from conference.events.models import Event, PartnerRole
from conference.figures.services import BERLIN, Figures, Group, Period
from conference.organisations.models import Organisation
from conference.registration.export import safe

MIN_GROUP = 3  # fewer people in a line of a breakdown by what they said about themselves are not shown apart


@dataclass
class Breakdown:
    name: str  # kind, region, forum
    heading: str
    question: str  # the question its lines come from ("" for forums, or when none is chosen)
    groups: list[Group]


@dataclass
class Report:
    subject: str  # the event's title, or the network's name
    period: str  # the event's day, or the network's period
    figures: Figures
    events: list[tuple[Event, Figures]] = field(default_factory=list)  # a network's: each of its events
    grant_numbers: list[str] = field(default_factory=list)
    funders: list[Organisation] = field(default_factory=list)
    organisers: list[Organisation] = field(default_factory=list)
    language: str = "de"  # of the subject

    @property
    def title(self) -> str:
        return _("Figures for the report to the funder")

    @property
    def breakdowns(self) -> list[Breakdown]:
        figures = self.figures
        return [
            Breakdown("kind", _("By kind of organisation"), figures.kind_question, folded(figures.by_kind)),
            Breakdown("region", _("By region"), figures.region_question, folded(figures.by_region)),
            Breakdown("forum", _("By forum"), "", figures.by_forum),
        ]

    def charts(self) -> dict[str, Chart]:
        """A chart of each breakdown that has lines, and of the registrations by day."""
        made = {
            breakdown.name: bars(
                [label(group) for group in breakdown.groups],
                [group.confirmed for group in breakdown.groups],
                description=_(
                    "Confirmed registrations %(breakdown)s: %(lines)s",
                    breakdown=breakdown.heading.lower(),
                    lines=_lines((label(group), group.confirmed) for group in breakdown.groups),
                ),
            )
            for breakdown in self.breakdowns
            if breakdown.groups
        }
        if self.figures.by_day:
            days = [day_label(day) for day, _count in self.figures.by_day]
            counts = [count for _day, count in self.figures.by_day]
            made["day"] = bars(
                days,
                counts,
                horizontal=False,
                description=_("Registrations by day: %(lines)s", lines=_lines(zip(days, counts, strict=True))),
            )
        return made


def folded(groups: list[Group]) -> list[Group]:
    """The lines of a breakdown by the answers people gave about themselves, those of one or two people summed into
    one line: a kind of organisation or a region that only one or two registrants share could tell who they are."""

    def is_small(group: Group) -> bool:
        return group.label is not None and 0 < group.confirmed < MIN_GROUP

    small = [group for group in groups if is_small(group)]
    if not small:
        return groups
    together = Group(
        _("Other answers, fewer than %(count)s people each", count=MIN_GROUP),
        sum(group.confirmed for group in small),
        sum(group.checked_in for group in small),
    )
    known = [group for group in groups if group.label is not None and not is_small(group)]
    return known + [together] + [group for group in groups if group.label is None]


def _lines(pairs) -> str:
    return "; ".join(f"{text} {count}" for text, count in pairs)


def label(group: Group) -> str:
    return group.label if group.label is not None else _("No answer or unknown")


def day_label(day: date) -> str:
    return format_date(day, "short")


def key_figures(figures: Figures) -> list[tuple[str, int | None]]:
    return [
        (_("Registrations (all made)"), figures.registrations),
        (_("Confirmed"), figures.confirmed),
        (_("Checked in"), figures.checked_in),
        (_("No-shows"), figures.no_shows),
        (_("Cancellations"), figures.cancellations),
        (_("Waiting list at its longest"), figures.longest_waiting_list),
    ]


def _partners(events: Sequence[Event], role: PartnerRole) -> list[Organisation]:
    found: dict[int, Organisation] = {}
    for event in events:
        for partner in event.partners:
            if partner.role == role:
                found.setdefault(partner.organisation_id, partner.organisation)
    return list(found.values())


def of_event(event: Event, figures: Figures) -> Report:
    return Report(
        subject=event.title,
        period=format_date(event.starts_at, "long"),
        figures=figures,
        grant_numbers=[event.grant_number] if event.grant_number else [],
        funders=_partners([event], PartnerRole.FUNDER),
        organisers=_partners([event], PartnerRole.ORGANISER),
        language=event.language,
    )


def of_network(network: Organisation, within: Period, each: list[tuple[Event, Figures]], total: Figures) -> Report:
    events = [event for event, _figures in each]
    return Report(
        subject=network.name,
        period=f"{format_date(within.first, 'medium')} – {format_date(within.last, 'medium')}",
        figures=total,
        events=each,
        grant_numbers=list(dict.fromkeys(event.grant_number for event in events if event.grant_number)),
        funders=_partners(events, PartnerRole.FUNDER),
        organisers=_partners(events, PartnerRole.ORGANISER),
    )


# --- workbook ---------------------------------------------------------------------------------


def _sheet_title(text: str) -> str:
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text[:31]


def workbook(report: Report) -> bytes:
    """One sheet of key figures (with a network's events one by one), and one for each breakdown; the counts as
    numbers. Texts organisers or registrants typed are written so that no spreadsheet runs them as formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("Key figures"))
    bold = Font(bold=True)
    sheet.append([safe(report.title)])
    sheet["A1"].font = bold
    sheet.append([safe(report.subject)])
    sheet.append([_("Period"), safe(report.period)])
    if report.grant_numbers:
        sheet.append([_("Grant number"), safe(", ".join(report.grant_numbers))])
    if report.figures.kept_at:
        sheet.append([_("Kept as counts when the personal data was deleted on"), report.figures.kept_at.date()])
        sheet.cell(sheet.max_row, 2).number_format = "DD.MM.YYYY"
    sheet.append([])
    for text, value in key_figures(report.figures):
        sheet.append([text, value])
    if report.events:
        sheet.append([])
        headings = [_("Event"), _("Date"), *(text for text, _value in key_figures(report.figures))]
        sheet.append(headings)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for event, figures in report.events:
            sheet.append(
                [
                    safe(event.title),
                    event.starts_at.astimezone(BERLIN).date(),
                    *(value for _text, value in key_figures(figures)),
                ]
            )
            sheet.cell(sheet.max_row, 2).number_format = "DD.MM.YYYY"
        sheet.append([_("Total"), None, *(value for _text, value in key_figures(report.figures))])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    sheet.column_dimensions["A"].width = 45
    for breakdown in report.breakdowns:
        page = book.create_sheet(_sheet_title(breakdown.heading))
        if breakdown.question:
            page.append([_("Question"), safe(breakdown.question)])
        page.append([breakdown.heading, _("Confirmed"), _("Checked in")])
        for cell in page[page.max_row]:
            cell.font = bold
        for group in breakdown.groups:
            page.append([safe(label(group)), group.confirmed, group.checked_in])
        page.column_dimensions["A"].width = 45
    days = book.create_sheet(_sheet_title(_("By registration day")))
    days.append([_("Day"), _("Registrations")])
    for cell in days[1]:
        cell.font = bold
    for day, count in report.figures.by_day:
        days.append([day, count])
        days.cell(days.max_row, 1).number_format = "DD.MM.YYYY"
    days.column_dimensions["A"].width = 14
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- printed report ---------------------------------------------------------------------------


def pdf(report: Report) -> bytes:
    """A4: title, event or network, period, grant numbers, the funders' logos, the tables and the charts."""
    author = ", ".join(organisation.name for organisation in report.organisers) or report.subject
    metadata = Metadata(title=f"{report.title}: {report.subject}", author=author, language=get_locale().language)
    html = render_template(
        "pdf/figures.html",
        report=report,
        charts=report.charts(),
        key_figures=key_figures,
        label=label,
        day_label=day_label,
        metadata=metadata,
    )
    return render_chunks([html], metadata)
