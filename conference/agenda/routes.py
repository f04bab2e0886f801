from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from conference.agenda import services
from conference.documents import lists, printouts
from conference.documents.render import file_name, pdf_response, shared_pdf
from conference.events.services import public_event_or_404

blueprint = Blueprint("agenda", __name__)


@blueprint.get("/events/<slug>/agenda")
def agenda(slug: str):
    event = public_event_or_404(slug)
    return render_template("agenda/agenda.html", event=event, slots=services.time_slots(event.agenda_items))


@blueprint.get("/events/<slug>/programme.pdf")
def programme(slug: str):
    """The agenda as a printed handout."""
    event = public_event_or_404(slug)
    pdf, etag = shared_pdf(printouts.programme_html(event), lists.metadata(event, _("Programme")))
    response = pdf_response(pdf, file_name(_("Programme"), event.slug))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"  # public, but asked again each time: it changes with the agenda
    return response.make_conditional(request)


@blueprint.get("/events/<slug>/good-practice")
def good_practice(slug: str):
    event = public_event_or_404(slug)
    return render_template(
        "agenda/good_practice.html", event=event, items=services.good_practice_items(event.agenda_items)
    )


@blueprint.get("/events/<slug>/speakers")
def speakers(slug: str):
    event = public_event_or_404(slug)
    return render_template("agenda/speakers.html", event=event, people=services.people_of(event.agenda_items))
