"""The check-in page at the door: a code typed or scanned, or a search by name."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from conference.accounts.models import EventRole
from conference.accounts.services import managed_event_or_abort
from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from conference.audit.services import record
from conference.site.forms import Form

blueprint = Blueprint("check_in", __name__, url_prefix="/manage/events/<int:event_id>/check-in")
DOOR_ROLES = (EventRole.ORGANISER, EventRole.CHECK_IN)


class CheckInForm(Form):
    code = StringField(_l("Check-in code"), [InputRequired(_l("Please enter or scan a code.")), Length(max=40)],
                       description=_l("Type the code, or scan the QR code with a scanner that types it."))


@blueprint.route("/", methods=["GET", "POST"])
@login_required
def door(event_id: int):
    event = managed_event_or_abort(current_user, event_id, allowed=DOOR_ROLES)
    form = CheckInForm()
    result = None
    if form.validate_on_submit():
        result = services.check_in(event.id, form.code.data, utcnow())
        if result.admitted:
            record("registration.checked_in", result.registration.full_name, event.id)
        form.code.data = ""
    search = request.args.get("q", "").strip()[:100]
    found = []
    if len(search) >= 2:
        pattern = f"%{search.lower()}%"
        found = db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id,
                sa.or_(sa.func.lower(Registration.last_name).like(pattern), sa.func.lower(Registration.first_name).like(pattern)),
            ).order_by(Registration.last_name).limit(20)
        ).all()
    return render_template("manage/check_in.html", event=event, form=form, result=result, search=search, found=found,
                           counts=services.attendance(event.id))
