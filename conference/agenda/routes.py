from flask import Blueprint, render_template

from conference.agenda import services
from conference.events.web import public_event_or_404

blueprint = Blueprint("agenda", __name__)


@blueprint.get("/events/<slug>/agenda")
def agenda(slug: str):
    event = public_event_or_404(slug)
    return render_template("agenda/agenda.html", event=event, slots=services.time_slots(services.programme(event)))


@blueprint.get("/events/<slug>/good-practice")
def good_practice(slug: str):
    event = public_event_or_404(slug)
    return render_template(
        "agenda/good_practice.html", event=event, items=services.good_practice_items(services.programme(event))
    )


@blueprint.get("/events/<slug>/speakers")
def speakers(slug: str):
    event = public_event_or_404(slug)
    return render_template("agenda/speakers.html", event=event, people=services.people_of(services.programme(event)))
