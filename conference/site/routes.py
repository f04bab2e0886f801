import logging

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, request, session, url_for

from conference.extensions import db
from conference.site.i18n import LOCALE_SESSION_KEY
from conference.site.urls import local_path

blueprint = Blueprint("site", __name__)
log = logging.getLogger(__name__)


# A plain link, not a form: choosing a language changes nothing stored on the server, and visitors
# who never choose get no cookie at all.
@blueprint.get("/language/<locale>")
def switch_language(locale: str):
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    session[LOCALE_SESSION_KEY] = locale
    return redirect(local_path(request.args.get("next")), code=303)


@blueprint.get("/healthz")
def health():
    """For load balancers and monitoring: 200 while the database answers, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.exception("health check: the database does not answer")
        return {"status": "unavailable", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok"}


@blueprint.get("/favicon.ico")
def favicon():
    """Browsers ask for it on every site, whatever the page's own icon link says."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
