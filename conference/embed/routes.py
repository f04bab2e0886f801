"""A network's or an organisation's upcoming events and their registration forms, inside its own website.

The site pastes one snippet (``example`` shows it): an iframe of ``events``, which sizes itself to its content
(static/js/embed.js on the site's page, embed-frame.js in the frame). Only the websites listed for the
organisation (Organisation.embed_origins) may frame these pages (``frame-ancestors``); the browser refuses every
other. The form works as on this site, without this site's cookies, which browsers do not send into another
site's frame: its CSRF token is signed instead of kept in the session (site.forms.SignedCSRF), and the thanks are
shown at once rather than after a redirect through the session.
"""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request

from conference.database import utcnow
from conference.events import services as events
from conference.events.models import Event, RegistrationState
from conference.extensions import csrf, db
from conference.limits.web import limited
from conference.organisations.models import Organisation
from conference.registration import services
from conference.registration.forms import only_regrouping, registration_form
from conference.registration.web import registered_through
from conference.site.forms import SignedCSRF, status_of
from conference.site.i18n import speaking
from conference.site.security import CONTENT_SECURITY_POLICY
from conference.site.urls import absolute_url

blueprint = Blueprint("embed", __name__, url_prefix="/embed/<slug>")
csrf.exempt(blueprint)  # the forms here carry a signed token of their own (SignedCSRF)


def organisation_or_404(slug: str) -> Organisation:
    return db.session.scalar(db.select(Organisation).where(Organisation.slug == slug)) or abort(404)


def language() -> str:
    """The language the snippet asks for (``?lang=en``), else the site's default; carried on every link here."""
    asked = request.args.get("lang", "")
    return asked if asked in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def framed(page: str, organisation: Organisation, status: int = 200):
    """A page that the organisation's websites may frame, and no other site."""
    ancestors = " ".join(["'self'", *organisation.embedding_websites])
    policy = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    return page, status, {"Content-Security-Policy": policy}


@blueprint.get("/")
def upcoming(slug: str):
    organisation = organisation_or_404(slug)
    lang = language()
    with speaking(lang):
        now = utcnow()
        page = render_template(
            "embed/events.html",
            organisation=organisation,
            events=events.upcoming_and_past(now, organisation)[0],
            now=now,
            lang=lang,
        )
    return framed(page, organisation)


def event_of(organisation: Organisation, slug: str) -> Event:
    """A public event of the organisation's (or its network's); 404 for any other."""
    event = db.session.scalar(events.public_events().where(Event.slug == slug, events.involving(organisation)))
    return event or abort(404)


@blueprint.route("/events/<event_slug>/register", methods=["GET", "POST"])
@limited("registration", unless=only_regrouping)
def register(slug: str, event_slug: str):
    organisation = organisation_or_404(slug)
    event = event_of(organisation, event_slug)
    lang = language()
    with speaking(lang):
        now = utcnow()
        context = {"organisation": organisation, "event": event, "lang": lang, "now": now, "embedded": True}
        if event.registration_state(now) != RegistrationState.OPEN:
            return framed(render_template("embed/closed.html", **context), organisation)
        form = registration_form(event, meta={"csrf_class": SignedCSRF, "csrf_context": f"register:{event.id}"})
        if not form.regrouped() and form.validate_on_submit() and (thanks := registered_through(form, event, now)):
            # Shown at once: a redirect would carry the thanks through the session, whose cookie is not sent here.
            return framed(render_template("embed/registered.html", applicant=thanks, **context), organisation)
        page = render_template(
            "embed/register.html",
            form=form,
            full=services.is_full(event),
            forum_full=services.forum_is_full,
            registration=None,
            **context,
        )
    return framed(page, organisation, status_of(form))


@blueprint.get("/example")
def example(slug: str):
    """The snippet to paste, and a page that shows it at work as the organisation's website would."""
    organisation = organisation_or_404(slug)
    events_url = absolute_url("embed.upcoming", slug=organisation.slug)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(events_url))
    page = render_template(
        "embed/example.html",
        organisation=organisation,
        events_url=events_url,
        script_url=absolute_url("static", filename="js/embed.js"),
        # Where this page is opened: the site itself ('self'), or one of the websites listed, may frame the events.
        allowed_here=request.host_url.rstrip("/") in [origin, *organisation.embedding_websites],
    )
    # This page plays the organisation's website: it may frame and run the site's pages, wherever they are served.
    policy = (
        CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {origin}") + f"; frame-src {origin}"
    )
    return page, {"Content-Security-Policy": policy}
