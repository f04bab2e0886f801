"""An organiser's webhooks: made for an event or a network, each with its secret, its delivery log, resending,
pausing and deleting."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice, SelectField, URLField
from wtforms.validators import InputRequired

from conference.rules import Refusal
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, status_of
from conference.webhooks import services
from conference.webhooks.services import PAUSE_AFTER, WebhookRefused

blueprint = Blueprint("webhooks_manage", __name__, url_prefix="/manage/webhooks")


class WebhookForm(Form):
    scope = SelectField(_l("For"), [InputRequired(_l("Please choose an event or a network."))], choices=[])
    url = URLField(
        _l("Address (https)"),
        [InputRequired(_l("Please enter the address of your tool."))],
        description=_l("Your tool receives a POST with JSON there for each change."),
    )


def new_form() -> WebhookForm:
    form = WebhookForm()
    events, networks = services.choices_for(current_user)
    form.scope.choices = {
        str(_("Events")): [SelectChoice(f"event-{event.id}", event.title) for event in events],
        str(_("Networks (all their events that you organise)")): [
            SelectChoice(f"network-{network.id}", network.name) for network in networks
        ],
    }
    return form


@blueprint.route("/", methods=["GET", "POST"])
def index():
    form = new_form()
    if form.validate_on_submit():
        try:
            hook = services.create(current_user, form.scope.data, form.url.data or "", by=current_user)
        except Refusal as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(_("The webhook is ready. Check its signature with the secret shown here."), "success")
            return redirect(url_for(".hook", hook_id=hook.id), code=303)
    return render_template(
        "webhooks/manage/index.html",
        form=form,
        hooks=services.hooks_of(current_user.id),
        can_make=any(form.scope.choices.values()),
    ), status_of(form)


def own(hook_id: int):
    try:
        return services.own_hook(hook_id, current_user.id)
    except WebhookRefused:
        abort(404)


@blueprint.get("/<int:hook_id>")
def hook(hook_id: int):
    webhook = own(hook_id)
    page = render_template(
        "webhooks/manage/hook.html",
        hook=webhook,
        secret=services.secret_of(webhook),
        deliveries=services.deliveries_of(webhook),
        pause_after=PAUSE_AFTER,
        action_form=Form(),
    )
    return page, {"Cache-Control": "no-store"}  # the page shows the secret


@blueprint.post("/<int:hook_id>/pause")
def pause(hook_id: int):
    return _set_paused(hook_id, True, _("Paused: what happens meanwhile is kept and sent when you resume."))


@blueprint.post("/<int:hook_id>/resume")
def resume(hook_id: int):
    return _set_paused(hook_id, False, _("Resumed: what was held is being sent."))


def _set_paused(hook_id: int, paused: bool, done: str):
    if Form().validate_on_submit():
        try:
            services.set_paused(hook_id, current_user.id, paused, by=current_user)
        except WebhookRefused:
            abort(404)
        flash(done, "success")
    return redirect(url_for(".hook", hook_id=hook_id), code=303)


@blueprint.post("/<int:hook_id>/delete")
def delete(hook_id: int):
    webhook = own(hook_id)
    if not Form().validate_on_submit():
        return redirect(url_for(".hook", hook_id=hook_id), code=303)
    if not confirmed():
        return ask_first(
            _("Delete the webhook to %(url)s?", url=webhook.url),
            _(
                "Nothing more is sent to this address, also nothing held or waiting, and its delivery log is "
                "deleted with it. This cannot be undone."
            ),
            _("Yes, delete"),
            url_for(".hook", hook_id=hook_id),
        )
    services.delete(hook_id, current_user.id, by=current_user)
    flash(_("Deleted: the webhook to %(url)s.", url=webhook.url), "success")
    return redirect(url_for(".index"), code=303)


@blueprint.post("/<int:hook_id>/deliveries/<int:delivery_id>/resend")
def resend(hook_id: int, delivery_id: int):
    own(hook_id)
    if Form().validate_on_submit():
        try:
            services.resend(delivery_id, current_user.id)
        except WebhookRefused as refused:
            flash(refused.message, "error")
        else:
            flash(_("It is being sent again."), "success")
    return redirect(url_for(".hook", hook_id=hook_id), code=303)
