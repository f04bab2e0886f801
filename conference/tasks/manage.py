"""Organisers see the background work of their event that failed for good, and may start it again."""

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _

from conference.site.forms import Form
from conference.site.lookup import row_of_event_or_404
from conference.tasks import services
from conference.tasks.models import Task

blueprint = Blueprint("tasks_manage", __name__, url_prefix="/manage/events/<int:event_id>/tasks")


def failed(event_id: int) -> list[tuple[Task, str]]:
    return [(task, services.label_of(task)) for task in services.failed_for_event(event_id)]


@blueprint.post("/<int:task_id>/retry")
def retry(event_id: int, task_id: int):
    event = g.event
    task = row_of_event_or_404(Task, task_id, event)
    if Form().validate_on_submit():
        if services.retry(task):
            flash(_("The task will be tried again."), "success")
        else:
            flash(_("This task has not failed, so there is nothing to try again."), "error")
    return redirect(url_for("registration_manage.dashboard", event_id=event.id), code=303)
