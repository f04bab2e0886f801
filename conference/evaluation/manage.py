"""An event's evaluation, for its organisers: its questions, sending it, the response rate and the results."""

import io

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField

from conference.database import utcnow
from conference.documents.render import file_name, pdf_response
from conference.evaluation import report, services
from conference.evaluation.forms import evaluation_form
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form

blueprint = Blueprint("evaluation_manage", __name__, url_prefix="/manage/events/<int:event_id>/evaluation")


class SettingsForm(Form):
    mailed_by_itself = BooleanField(_l("Send it by itself the morning after the event, and a reminder four days later"))


def chosen_results() -> services.Results:
    """The results of the whole event, or of the forum chosen (an unknown forum: the whole event)."""
    event = g.event
    forum_id = request.args.get("forum", type=int)
    forum = next((item for item in services.forums_of(event) if item.id == forum_id), None)
    return services.results(event, forum)


@blueprint.get("/")
def index(event_id: int):
    event = g.event
    state = services.state_of(event.id)
    results = chosen_results()
    now = utcnow()
    return render_template(
        "evaluation/manage/index.html",
        event=event,
        questions=services.questions_of(event),
        state=state,
        form=Form(),
        settings=SettingsForm(data={"mailed_by_itself": state.mailed_by_itself}),
        results=results,
        charts={item.question.id: report.chart(item) for item in results.items},
        forums=services.forums_of(event),
        first_mail_due=services.first_mail_due(event),
        mailed_by_itself_until=event.ends_at + services.ASKED_WITHIN,
        reminder_from=state.invited_at + services.REMIND_BY_HAND_AFTER if state.invited_at else None,
        now=now,
        has_ended=event.has_ended(now),
        waiting=services.unanswered_count(event.id),
        to_invite=services.to_invite_count(event.id),
        minimum=services.MIN_ANSWERS,
    )


@blueprint.post("/standard-questions")
def use_standard_set(event_id: int):
    if Form().validate_on_submit():
        try:
            services.use_standard_set(g.event.id, by=current_user)
        except services.EvaluationError as refused:
            flash(refused.message, "error")
        else:
            flash(_("The standard questions are in the evaluation. Change them as you like."), "success")
    return redirect(url_for("registration_manage.form_questions", event_id=g.event.id, questionnaire="evaluation"))


@blueprint.post("/settings")
def settings(event_id: int):
    form = SettingsForm()
    if form.validate_on_submit():
        services.set_mailed_by_itself(g.event.id, form.mailed_by_itself.data, by=current_user)
        flash(_("Saved."), "success")
    return redirect(url_for(".index", event_id=g.event.id), code=303)


@blueprint.post("/send/<any(invitation, reminder):what>")
def send(event_id: int, what: str):
    event = g.event
    if not Form().validate_on_submit():
        return redirect(url_for(".index", event_id=event.id), code=303)
    if not confirmed():
        people = services.to_invite_count(event.id) if what == "invitation" else services.unanswered_count(event.id)
        return ask_first(
            _("Send the evaluation now?") if what == "invitation" else _("Send the reminder now?"),
            ngettext(
                "%(num)s person gets a mail with their link. A mail sent cannot be taken back.",
                "%(num)s people get a mail with their link. A mail sent cannot be taken back.",
                people,
            ),
            _("Yes, send"),
            url_for(".index", event_id=event.id),
        )
    send_now = services.invite if what == "invitation" else services.remind
    try:
        sent = send_now(event.id, utcnow(), by=current_user)
    except services.EvaluationError as refused:
        flash(refused.message, "error")
    else:
        flash(
            ngettext("Sent to %(num)s person.", "Sent to %(num)s people.", sent)
            if sent
            else _("Nobody to send it to."),
            "success",
        )
    return redirect(url_for(".index", event_id=event.id), code=303)


@blueprint.get("/preview")
def preview(event_id: int):
    """The evaluation as attendees see it (in the language of this page); nothing entered is sent."""
    return render_template(
        "evaluation/manage/preview.html", event=g.event, form=evaluation_form(g.event, get_locale().language)
    )


@blueprint.get("/results.pdf")
def results_pdf(event_id: int):
    event = g.event
    results = chosen_results()
    return pdf_response(report.pdf(event, results), file_name(report.title(event, results), event.slug))


@blueprint.get("/results.xlsx")
def results_xlsx(event_id: int):
    event = g.event
    results = chosen_results()
    response = send_file(
        io.BytesIO(report.workbook(event, results)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=file_name(report.title(event, results), event.slug, extension="xlsx"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
