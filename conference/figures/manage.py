"""The figures pages of the back office: one event's (its organisers), and a network's over a period
(administrators, and organisers of every event of the network in the period: accounts/access.may_see_figures_of)."""

import io
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice, SelectField

from conference.accounts.access import may_see_figures_of
from conference.database import utcnow
from conference.documents.render import file_name, pdf_response
from conference.events.models import Event
from conference.extensions import db
from conference.figures import reports, services
from conference.organisations.models import Organisation, OrganisationKind
from conference.site.forms import Form
from conference.site.lookup import found

blueprint = Blueprint("figures_manage", __name__, url_prefix="/manage/events/<int:event_id>/figures")
networks = Blueprint("network_figures", __name__, url_prefix="/manage/networks/<int:network_id>/figures")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class QuestionsForm(Form):
    region_question_id = SelectField(
        _l("Region"),
        coerce=int,
        description=_l("A postcode (grouped by its first two digits) or a choice of regions or federal states."),
    )
    kind_question_id = SelectField(_l("Kind of organisation"), coerce=int)

    def fill_choices(self, event: Event) -> None:
        choices = [SelectChoice(0, _("No question"))] + [
            SelectChoice(question.id, question.label) for question in services.statistics_questions(event)
        ]
        self.region_question_id.choices = self.kind_question_id.choices = choices


def _event_report(event: Event) -> reports.Report:
    return reports.of_event(event, services.figures_of(event, utcnow()))


@blueprint.get("/")
def index(event_id: int):
    event = g.event
    settings = services.settings_of(event)
    form = QuestionsForm(
        data={
            "region_question_id": settings.region_question_id or 0,
            "kind_question_id": settings.kind_question_id or 0,
        }
    )
    form.fill_choices(event)
    report = _event_report(event)
    return render_template(
        "figures/event.html",
        event=event,
        report=report,
        charts=report.charts(),
        form=form,
        key_figures=reports.key_figures,
        label=reports.label,
        day_label=reports.day_label,
    )


@blueprint.post("/questions")
def choose_questions(event_id: int):
    event = g.event
    form = QuestionsForm()
    form.fill_choices(event)
    if form.validate_on_submit():
        try:
            services.choose_questions(
                event.id, form.region_question_id.data or None, form.kind_question_id.data or None, by=current_user
            )
        except services.FiguresRefused as refused:
            flash(refused.message, "error")
        else:
            flash(_("Saved: %(title)s", title=_("Questions for the statistics")), "success")
    for name, errors in form.errors.items():
        label = "" if name == "csrf_token" else f"{form[name].label.text}: "
        flash(label + " ".join(errors), "error")
    return redirect(url_for(".index", event_id=event.id, _anchor="questions"), code=303)


@blueprint.get("/figures.xlsx")
def workbook(event_id: int):
    event = g.event
    return _xlsx(reports.workbook(_event_report(event)), file_name(_("Figures"), event.slug, extension="xlsx"))


@blueprint.get("/figures.pdf")
def printed(event_id: int):
    event = g.event
    return pdf_response(reports.pdf(_event_report(event)), file_name(_("Figures"), event.slug))


def _xlsx(content: bytes, download_name: str):
    response = send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=download_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- a network's figures ----------------------------------------------------------------------


def _network(network_id: int) -> Organisation:
    network = found(db.session.get(Organisation, network_id))
    if network.kind != OrganisationKind.NETWORK:
        abort(404)
    return network


def _network_report(network: Organisation) -> tuple[reports.Report | None, services.Period, str]:
    """The report on the period asked for; None and why, when the period is no period. An account that does not
    organise every event of the network in the period is refused (403)."""
    default = services.default_period(network, utcnow().astimezone(services.BERLIN).date())
    try:
        within = services.period(request.args.get("from"), request.args.get("to"), default)
    except services.PeriodRefused as refused:
        return None, default, refused.message
    events = services.network_events(network, within)
    if not may_see_figures_of(current_user, events):
        abort(403)
    each, total = services.network_figures(events, utcnow())
    return reports.of_network(network, within, each, total), within, ""


def _asked() -> dict[str, Any]:
    return request.args.to_dict()


@networks.get("/")
def network(network_id: int):
    organisation = _network(network_id)
    report, within, problem = _network_report(organisation)
    return render_template(
        "figures/network.html",
        network=organisation,
        report=report,
        charts=report.charts() if report else {},
        within=within,
        asked={"from": request.args.get("from", ""), "to": request.args.get("to", "")},
        problem=problem,
        key_figures=reports.key_figures,
        label=reports.label,
        day_label=reports.day_label,
    ), (400 if problem else 200)


@networks.get("/figures.xlsx")
def network_workbook(network_id: int):
    organisation = _network(network_id)
    report, _within, problem = _network_report(organisation)
    if report is None:
        return redirect(url_for(".network", network_id=network_id, **_asked()))
    return _xlsx(reports.workbook(report), file_name(_("Figures"), organisation.slug, extension="xlsx"))


@networks.get("/figures.pdf")
def network_printed(network_id: int):
    organisation = _network(network_id)
    report, _within, problem = _network_report(organisation)
    if report is None:
        return redirect(url_for(".network", network_id=network_id, **_asked()))
    return pdf_response(reports.pdf(report), file_name(_("Figures"), organisation.slug))
