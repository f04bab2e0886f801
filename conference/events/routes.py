from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext

from conference.database import utcnow
from conference.events import ical, services
from conference.events.models import Event
from conference.events.web import public_event_or_404
from conference.extensions import db
from conference.organisations.models import Organisation

blueprint = Blueprint("events", __name__)


@blueprint.get("/")
def home():
    filter_choices = services.organisers_for_filter()
    selected = next((org for org in filter_choices if org.slug == request.args.get("organisation")), None)
    now = utcnow()
    upcoming, past = services.upcoming_and_past(now, selected)
    return render_template(
        "events/home.html", upcoming=upcoming, past=past, filter_choices=filter_choices, selected=selected, now=now
    )


@blueprint.get("/events/<slug>")
def detail(slug: str):
    event = public_event_or_404(slug)
    return render_template("events/detail.html", event=event, now=utcnow())


@blueprint.get("/events/<slug>/event.ics")
def event_calendar(slug: str):
    event = public_event_or_404(slug)
    return Response(
        ical.calendar([event], utcnow(), event.title),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.ics"'},
    )


@blueprint.get("/events.ics")
def feed():
    # A feed is subscribed to by URL, so it is served inline rather than as a download.
    events = db.session.scalars(services.public_events().order_by(Event.starts_at)).all()
    return Response(ical.calendar(events, utcnow(), gettext("Conferences and events")), mimetype="text/calendar")


@blueprint.get("/organisations")
def organisations():
    """The organisations taking part in public events, by kind."""
    return render_template("organisations/index.html", groups=services.taking_part_by_kind())


@blueprint.get("/organisations/<slug>")
def organisation(slug: str):
    found = db.session.scalar(db.select(Organisation).where(Organisation.slug == slug))
    if found is None:
        abort(404)
    return render_template("organisations/detail.html", organisation=found, roles=services.public_roles(found))
