"""The check-in page at the door: a code scanned by camera or hand scanner, typed, or found by name.

The page works without script (forms post and the page comes back). With script, scans go to
``scans`` as JSON and the page stays put; scans made while the network is down wait on the phone
and are sent when it is back.
"""

import secrets
from datetime import datetime

from flask import Blueprint, abort, flash, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from wtforms import BooleanField, EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from conference.accounts import services as accounts
from conference.accounts.access import Action, may
from conference.check_in import services
from conference.check_in.services import DoorClosed, DoorState, Scan
from conference.database import utcnow
from conference.events.models import Event
from conference.registration.models import NOT_YET_CONFIRMED, Registration
from conference.registration.services import Applicant, RegistrationError, admission_question
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, MailAddress, status_of
from conference.site.lookup import row_of_event_or_404
from conference.site.security import allow_blob_workers

blueprint = Blueprint("check_in", __name__, url_prefix="/manage/events/<int:event_id>/check-in")
MAX_SCANS_PER_REQUEST = 100


class CheckInForm(Form):
    code = StringField(
        _l("Check-in code"),
        [InputRequired(_l("Please enter or scan a code.")), Length(max=40)],
        description=_l("Type the code, or scan the QR code with the camera or a scanner that types it."),
    )


class WalkInForm(Form):
    """Someone without a registration at the door: only what the door needs (no forums, no questions)."""

    first_name = StringField(_l("First name"), [InputRequired(_l("Please enter the first name.")), Length(max=100)])
    last_name = StringField(_l("Last name"), [InputRequired(_l("Please enter the last name.")), Length(max=100)])
    organisation = StringField(_l("Organisation"), [Optional(), Length(max=200)])
    email = EmailField(
        _l("E-mail address (optional)"),
        [Optional(), Length(max=254), MailAddress()],
        description=_l(
            "The confirmation with the link to the registration goes here, and later the certificate of attendance."
        ),
    )
    privacy = BooleanField(
        _l("The person has agreed to the privacy notice (told at the door)."),
        [
            DataRequired(
                _l("Please ask the person to agree to the privacy notice; without it they cannot be registered.")
            )
        ],
    )
    submission_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="walk_in_", **kwargs)
        if not self.submission_key.data:  # a second press of the button sends the same key: one registration
            self.submission_key.data = secrets.token_hex(16)

    def applicant(self) -> Applicant:
        return Applicant(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            email=self.email.data or "",
            organisation=self.organisation.data or "",
            locale=get_locale().language,
            submission_key=self.submission_key.data[:64],
        )


class HelperForm(Form):
    name = StringField(_l("Name"), [InputRequired(_l("Please enter a name.")), Length(max=200)])
    email = EmailField(
        _l("E-mail address"), [InputRequired(_l("Please enter the e-mail address.")), Length(max=254), MailAddress()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="helper_", **kwargs)


def door_of(event_id: int) -> tuple[Event, bool, int | None]:
    """The event, whether the user may correct after the event (organisers), and the forum whose door this is."""
    event = g.event
    forum_id = request.values.get("forum", type=int)
    if forum_id is not None and forum_id not in {forum.id for forum in services.forums(event)}:
        abort(404)
    return event, may(current_user, Action.ORGANISE, event), forum_id


def scan(event: Event, code: str, at: datetime | None, forum_id: int | None, may_correct: bool) -> services.Outcome:
    try:
        return services.check_in(event, Scan(code, at, forum_id), utcnow(), may_correct, by=current_user)
    except DoorClosed as closed:
        return services.Outcome(None, False, closed.message)


@blueprint.route("/", methods=["GET", "POST"])
def door(event_id: int):
    event, may_correct, forum_id = door_of(event_id)
    form = CheckInForm()
    outcome = None
    if form.validate_on_submit():
        outcome = scan(event, form.code.data, None, forum_id, may_correct)
        form.code.data = ""
    return door_page(event, forum_id, may_correct, outcome, form)


def door_page(
    event: Event,
    forum_id: int | None,
    may_correct: bool,
    outcome: services.Outcome | None,
    form: CheckInForm | None = None,
    walk_in_form: WalkInForm | None = None,
    helper_form: HelperForm | None = None,
):
    """The door page with the answer to what was just done (a scan, an admission, a walk-in, an invitation)."""
    form = CheckInForm(formdata=None) if form is None else form
    walk_in_form = WalkInForm(formdata=None) if walk_in_form is None else walk_in_form
    helper_form = HelperForm(formdata=None) if helper_form is None else helper_form
    organises = may(current_user, Action.ORGANISE, event)
    search = request.args.get("q", "").strip()[:100]
    state = services.door_state(event, utcnow(), may_correct)
    people = services.people_at(event, forum_id, search)
    may_admit = may(current_user, Action.ADMIT, event)
    response = make_response(
        render_template(
            "check_in/manage/check_in.html",
            event=event,
            form=form,
            outcome=outcome,
            search=search,
            forum_id=forum_id,
            forums=services.forums(event),
            people=people,
            state=state,
            door_message=services.door_message(event, state),
            room_note=services.room_note(event, forum_id, people.checked_in_count),
            open_states=(DoorState.OPEN, DoorState.CORRECTING),
            may_admit=may_admit,
            admission_question=admission_question,
            admitting=outcome and admit_form_of(event, outcome, forum_id, may_admit),
            badge=outcome and badge_of(outcome),
            walk_in_form=walk_in_form,
            helpers=accounts.helpers_of(event.id) if organises else None,
            helper_form=helper_form,
            removal_question=removal_question,
        ),
        max(status_of(form), status_of(walk_in_form), status_of(helper_form)),
    )
    return allow_blob_workers(response)


def _scan_of(item) -> tuple[str, datetime | None, int | None] | None:
    """A scan as the page sends it: {"code": "…", "at": "2011-09-29T07:31:02.120Z", "forum": 12 or null}."""
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("code"), str)
        or not isinstance(item.get("forum"), int | None)
    ):
        return None
    try:
        at = datetime.fromisoformat(item["at"]) if isinstance(item.get("at"), str) else None
    except ValueError:
        at = None
    return item["code"][:40], at if at and at.tzinfo else None, item.get("forum")


@blueprint.post("/scans")
def scans(event_id: int):
    """Scans sent by the page's script, one at a time or a queue kept while offline; answers each in order."""
    event, may_correct, _forum = door_of(event_id)
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes
        body = None
    items = body.get("scans") if isinstance(body, dict) else None
    sent = [_scan_of(item) for item in items] if isinstance(items, list) else []
    parsed = [item for item in sent if item is not None]
    if not sent or len(sent) > MAX_SCANS_PER_REQUEST or len(parsed) < len(sent):
        return jsonify(error="Send {\"scans\": [{\"code\": …, \"at\": …, \"forum\": …}]}, at most 100."), 400
    forums = {forum.id for forum in services.forums(event)}
    may_admit = may(current_user, Action.ADMIT, event)
    results = []
    for code, at, forum_id in parsed:
        # A forum removed since the scan was made: the person was there, so the entrance counts them.
        forum_id = forum_id if forum_id in forums else None
        outcome = scan(event, code, at, forum_id, may_correct)
        registration = outcome.registration
        results.append(
            {
                "code": code,
                "admitted": outcome.admitted,
                "message": outcome.message,
                "name": registration.full_name if registration else "",
                "detail": registration.organisation if registration else "",
                "admit": admit_form_of(event, outcome, forum_id, may_admit),
                "badge": badge_of(outcome),
            }
        )
    return jsonify(results=results, csrf_token=generate_csrf())


def admit_form_of(event: Event, outcome: services.Outcome, forum_id: int | None, may_admit: bool) -> dict | None:
    """The form that admits someone a scan refused, if the user may and this is the entrance (for page and script)."""
    registration = outcome.registration
    if (
        not may_admit
        or forum_id is not None
        or registration is None
        or registration.event_id != event.id
        or registration.status not in NOT_YET_CONFIRMED
    ):
        return None
    question, consequences = admission_question(registration, services.counts(registration.event, None)[1])
    return {
        "url": url_for(".admit", event_id=registration.event_id, registration_id=registration.id),
        "confirm": f"{question} {consequences}",
        "name": registration.full_name,
    }


def badge_of(outcome: services.Outcome) -> str | None:
    """Where the badge of someone just let in is printed (one badge on its own, documents_manage.badge)."""
    if not outcome.admitted or outcome.registration is None:
        return None
    return url_for(
        "documents_manage.badge", event_id=outcome.registration.event_id, registration_id=outcome.registration.id
    )


@blueprint.get("/scans")
def state(event_id: int):
    """A fresh CSRF token for the page's script (the page may stay open all day), and the counts."""
    event, _may_correct, forum_id = door_of(event_id)
    expected, checked_in = services.counts(event, forum_id)
    return jsonify(csrf_token=generate_csrf(), expected=expected, checked_in=checked_in)


@blueprint.post("/<int:registration_id>/undo")
def undo(event_id: int, registration_id: int):
    event, may_correct, forum_id = door_of(event_id)
    if not Form().validate_on_submit():
        abort(400)
    try:
        registration = services.undo(event, registration_id, forum_id, utcnow(), may_correct, by=current_user)
    except DoorClosed as closed:
        flash(closed.message, "error")
    else:
        flash(_("Check-in of %(name)s undone.", name=registration.full_name), "success")
    return redirect(url_for(".door", event_id=event.id, forum=forum_id, q=request.form.get("q") or None), code=303)


@blueprint.post("/<int:registration_id>/admit")
def admit(event_id: int, registration_id: int):
    """Someone on the waiting list or awaiting approval stands at the entrance: let in out of turn, asked first."""
    event, may_correct, _forum = door_of(event_id)
    registration = row_of_event_or_404(Registration, registration_id, event)
    if not confirmed():
        return ask_first(
            *admission_question(registration, services.counts(event, None)[1]),
            _("Yes, admit"),
            url_for(".door", event_id=event.id),
        )
    if not Form().validate_on_submit():
        abort(400)
    try:
        outcome = services.admit(event, registration.id, utcnow(), may_correct, by=current_user)
    except DoorClosed as closed:
        outcome = services.Outcome(registration, False, closed.message)
    return door_page(event, None, may_correct, outcome)


@blueprint.post("/walk-in")
def walk_in(event_id: int):
    """Someone without a registration at the entrance: registered and let in at once."""
    event, may_correct, _forum = door_of(event_id)
    form: WalkInForm | None
    form, outcome = WalkInForm(), None
    if form.validate_on_submit():
        try:
            outcome = services.walk_in(event, form.applicant(), utcnow(), may_correct, by=current_user)
        except DoorClosed as closed:
            outcome = services.Outcome(None, False, closed.message)
        except RegistrationError as refused:
            form.add_error(refused.message, refused.field)
        if outcome and outcome.admitted:
            form = None  # an empty form for the next one
    return door_page(event, None, may_correct, outcome, walk_in_form=form)


@blueprint.post("/helpers")
def invite_helper(event_id: int):
    """An organiser gives someone the check-in of this event (accounts.give_the_door)."""
    event, may_correct, _forum = door_of(event_id)
    form = HelperForm()
    if form.validate_on_submit():
        try:
            welcome = accounts.give_the_door(event.id, form.email.data, form.name.data.strip(), by=current_user)
        except accounts.AccountError as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(
                _(
                    "%(email)s has been sent a link to choose a password; the account can check people in at this "
                    "event only.",
                    email=form.email.data.lower(),
                )
                if welcome
                else _(
                    "%(email)s can now check people in at this event too, and has been told by e-mail.",
                    email=form.email.data.lower(),
                ),
                "success",
            )
            return redirect(url_for(".door", event_id=event.id, _anchor="helpers"), code=303)
    return door_page(event, None, may_correct, None, helper_form=form)


def removal_question(helper: accounts.Helper) -> tuple[str, str]:
    """What is asked before taking the check-in of this event away from a helper, and what it means."""
    return (
        _("Take the check-in away from %(name)s?", name=helper.user.name),
        _(
            "They can no longer check people in at this event. Their account has no other event, so it is "
            "deactivated; inviting them as a helper again activates it."
        )
        if helper.last_event
        else _("They can no longer check people in at this event; their other events stay theirs."),
    )


@blueprint.post("/helpers/<int:user_id>/remove")
def remove_helper(event_id: int, user_id: int):
    event = g.event
    helper = next((helper for helper in accounts.helpers_of(event.id) if helper.user.id == user_id), None)
    if helper is None:
        abort(404)
    back = url_for(".door", event_id=event.id, _anchor="helpers")
    if not confirmed():
        return ask_first(*removal_question(helper), _("Yes, take it away"), back)
    if Form().validate_on_submit():
        try:
            deactivated = accounts.take_the_door(event.id, user_id, by=current_user)
        except accounts.AccountError as refused:
            flash(refused.message, "error")
        else:
            flash(
                _("%(name)s can no longer check people in here; the account is deactivated.", name=helper.user.name)
                if deactivated
                else _("%(name)s can no longer check people in here.", name=helper.user.name),
                "success",
            )
    return redirect(back, code=303)
