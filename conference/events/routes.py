from flask import Blueprint, Response, render_template, request
from flask_babel import gettext

from conference.database import utcnow
from conference.events import feeds, ical, services
from conference.events.models import Event
from conference.events.web import public_event_or_404
from conference.extensions import db
from conference.organisations.models import Organisation
from conference.site.lookup import found
from conference.site.urls import absolute_url

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


def _subscribed(body: bytes | str, mimetype: str) -> Response:
    """A feed, subscribed to by URL: served inline (not as a download), and unchanged content is not sent again."""
    response = Response(body, mimetype=mimetype)
    response.add_etag()
    response.make_conditional(request)  # a 304 without the body when the reader has it already
    return response


@blueprint.get("/events.ics")
def feed():
    events = db.session.scalars(services.public_events().order_by(Event.starts_at)).all()
    return _subscribed(ical.calendar(events, utcnow(), gettext("Conferences and events")), "text/calendar")


@blueprint.get("/organisations/<slug>/events.ics")
def organisation_feed(slug: str):
    """The calendar of a network's or an organisation's public events."""
    organisation = _organisation_or_404(slug)
    events = db.session.scalars(
        services.public_events().where(services.involving(organisation)).order_by(Event.starts_at)
    ).all()
    return _subscribed(ical.calendar(events, utcnow(), organisation.name), "text/calendar")


NEWS_FEEDS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def _news_feed(format: str, title: str, page: str, organisation: Organisation | None = None) -> Response:
    now = utcnow()
    upcoming, _past = services.upcoming_and_past(now, organisation)
    self_url = absolute_url(request.endpoint or "", **(request.view_args or {}))
    author = organisation.name if organisation else gettext("Conferences and events")
    updated = max((event.updated_at for event in upcoming), default=now)
    generator = feeds.feed(upcoming, title, author, page, self_url, updated)
    return _subscribed(generator.atom_str() if format == "atom" else generator.rss_str(), NEWS_FEEDS[format])


@blueprint.get("/events.<any(atom, rss):format>")
def news_feed(format: str):
    """The upcoming public events as a feed for feed readers and other sites."""
    return _news_feed(format, gettext("Upcoming conferences and events"), absolute_url("events.home"))


@blueprint.get("/organisations/<slug>/events.<any(atom, rss):format>")
def organisation_news_feed(slug: str, format: str):
    organisation = _organisation_or_404(slug)
    page = absolute_url("events.organisation", slug=organisation.slug)
    title = gettext("Upcoming events: %(name)s", name=organisation.name)
    return _news_feed(format, title, page, organisation)


def _organisation_or_404(slug: str) -> Organisation:
    return found(db.session.scalar(db.select(Organisation).where(Organisation.slug == slug)))


@blueprint.get("/organisations")
def organisations():
    """The organisations taking part in public events, by kind."""
    return render_template("organisations/index.html", groups=services.taking_part_by_kind())


@blueprint.get("/organisations/<slug>")
def organisation(slug: str):
    organisation = _organisation_or_404(slug)
    return render_template(
        "organisations/detail.html", organisation=organisation, roles=services.public_roles(organisation)
    )
