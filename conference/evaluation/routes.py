"""The evaluation as attendees answer it, through the personal link in their mail."""

from datetime import datetime

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale

from conference.database import utcnow
from conference.evaluation import services
from conference.evaluation.forms import evaluation_form
from conference.evaluation.models import Invitation
from conference.events.web import public_event_or_404
from conference.extensions import db
from conference.registration.models import Registration
from conference.registration.routes import page_part
from conference.site import i18n
from conference.site.forms import status_of

blueprint = Blueprint("evaluation", __name__)


@page_part
def evaluation_on_registrant_page(registration: Registration, now: datetime) -> dict:
    """Someone asked who has not answered finds the evaluation on their page too."""
    invitation = db.session.get(Invitation, registration.id)
    waiting = invitation is not None and not invitation.answered
    return {
        "evaluation_link": url_for(
            "evaluation.answer", slug=registration.event.slug, token=services.link_token(registration)
        )
        if waiting
        else None
    }


@blueprint.route("/events/<slug>/evaluation/<token>", methods=["GET", "POST"])
def answer(slug: str, token: str):
    event = public_event_or_404(slug)
    invitation = services.invitation_for(token)
    if invitation is None or invitation.registration.event_id != event.id:
        # A wrong link, one of a person whose data was deleted, or one of another event: nothing to answer here.
        return render_template("evaluation/not_found.html", event=event, elsewhere=invitation is not None), 404
    i18n.prefer(invitation.registration.locale)
    if invitation.answered:
        return render_template("evaluation/thanks.html", event=event, again=True)
    form = evaluation_form(event, get_locale().language)
    if form.validate_on_submit():
        try:
            services.answer(token, form.answers(), utcnow())
        except services.AlreadyAnswered:
            return render_template("evaluation/thanks.html", event=event, again=True)
        except services.EvaluationError as refused:
            form.add_error(refused.message)
        else:
            return redirect(url_for(".thanks", slug=event.slug), code=303)
    return render_template("evaluation/answer.html", event=event, form=form), status_of(form)


@blueprint.get("/events/<slug>/evaluation/thanks")
def thanks(slug: str):
    return render_template("evaluation/thanks.html", event=public_event_or_404(slug), again=False)
