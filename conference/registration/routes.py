"""Public registration: the form, the registrant's own page behind the secret link, lost links."""

from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for

from conference.database import utcnow
from conference.events import ical
from conference.events.models import Event, RegistrationState
from conference.events.web import public_event_or_404
from conference.limits.web import limited
from conference.registration import services
from conference.registration.forms import LostLinkForm, add_colleague_form, only_regrouping, registration_form
from conference.registration.models import Registration, RegistrationStatus
from conference.registration.web import (
    event_whose_list_is_shown_or_404,
    event_with_public_list_or_404,
    member_or_404,
    registered_through,
    registration_or_404,
)
from conference.site.forms import Form, status_of

blueprint = Blueprint("registration", __name__)

# What features above registration add to the registrant's own page (a certificate to fetch, when the
# data will be deleted): each gives template variables for a registration at a time.
PAGE_PARTS: list[Callable[[Registration, datetime], dict]] = []


def page_part(part: Callable[[Registration, datetime], dict]) -> Callable:
    PAGE_PARTS.append(part)
    return part


@blueprint.route("/events/<slug>/register", methods=["GET", "POST"])
@limited("registration", unless=only_regrouping)
def register(slug: str):
    event = public_event_or_404(slug)
    now = utcnow()
    if event.registration_state(now) != RegistrationState.OPEN:
        return render_template("registration/closed.html", event=event, now=now)
    form = registration_form(event)
    if not form.regrouped() and form.validate_on_submit() and (thanks := registered_through(form, event, now)):
        session["registered"] = thanks
        return redirect(url_for(".registered", slug=event.slug), code=303)
    return render_template(
        "registration/form.html",
        event=event,
        form=form,
        full=services.is_full(event),
        forum_full=services.forum_is_full,
        registration=None,
    ), status_of(form)


@blueprint.get("/events/<slug>/register/thanks")
def registered(slug: str):
    event = public_event_or_404(slug)
    return render_template("registration/registered.html", event=event, applicant=session.pop("registered", None))


@blueprint.get("/registrations/<token>")
def own_page(token: str):
    """The registrant's own page, opened by the secret link from their mail."""
    registration = registration_or_404(token)
    now = utcnow()
    group = services.group_of(registration)
    return render_template(
        "registration/own_page.html",
        registration=registration,
        event=registration.event,
        token=token,
        group=[
            {
                "member": member,
                # The page of a colleague without an address, whose registration only the registrant can reach.
                "token": None if member.email else services.link_token(member),
                "can_change": services.changes_allowed(member, now),
                "can_cancel": services.cancelling_allowed(member, now),
            }
            for member in group
        ],
        can_add_colleague=services.may_add_to_group(registration, group, now),
        can_change=services.changes_allowed(registration, now),
        can_cancel=services.cancelling_allowed(registration, now),
        waiting_place=services.place_on_waiting_list(registration),
        qr_code=services.check_in_qr_code(registration)
        if registration.status == RegistrationStatus.CONFIRMED and not registration.online
        else None,
        online=services.online_access(registration),
        **{name: value for part in PAGE_PARTS for name, value in part(registration, now).items()},
    )


@blueprint.get("/registrations/<token>/event.ics")
def own_calendar(token: str):
    """The person's own calendar entry, as their mails carry it (the same UID: importing it updates that one)."""
    registration = registration_or_404(token)
    if not registration.is_active or registration.event.is_cancelled:
        abort(404)
    status = "CONFIRMED" if registration.status == RegistrationStatus.CONFIRMED else "TENTATIVE"
    entry = ical.personal(
        registration.event, utcnow(), f"registration-{registration.id}", status, services.online_access(registration)
    )
    return Response(
        entry,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{registration.event.slug}.ics"'},
    )


@blueprint.route("/registrations/<token>/edit", methods=["GET", "POST"])
def edit(token: str):
    registration = registration_or_404(token)
    if not services.changes_allowed(registration, utcnow()):
        return redirect(url_for("registration.own_page", token=token), code=303)
    event = registration.event
    form = registration_form(event, registration)
    if form.validate_on_submit():
        try:
            services.update(registration.id, form.applicant(registration.locale), utcnow(), by=None)
        except services.RegistrationError as error:
            form.add_error(error.message, error.field)
        else:
            return redirect(url_for("registration.own_page", token=token, saved=1), code=303)
    return render_template(
        "registration/edit.html",
        event=event,
        form=form,
        registration=registration,
        token=token,
        forum_full=services.forum_is_full,
    ), status_of(form)


@blueprint.route("/registrations/<token>/group/add", methods=["GET", "POST"])
@limited("registration")
def add_colleague(token: str):
    """One more colleague, registered through the link of who registered the group."""
    leader = registration_or_404(token)
    event, now = leader.event, utcnow()
    group = services.group_of(leader)
    if not services.may_add_to_group(leader, group, now):
        return redirect(url_for("registration.own_page", token=token), code=303)
    form = add_colleague_form(event)
    if not form.is_submitted():  # of the same organisation, unless they say otherwise
        form.colleagues[0].form.organisation.data = leader.organisation
    if form.validate_on_submit():
        try:
            services.add_to_group(leader.id, form.colleagues[0].form.applicant(leader.locale), now)
        except services.RegistrationError as error:
            form.add_error(error.message, error.field)
        else:
            return redirect(url_for("registration.own_page", token=token, added=1) + "#group-heading", code=303)
    return render_template(
        "registration/add_colleague.html",
        event=event,
        leader=leader,
        group_size=len(group),
        form=form,
        token=token,
        registration=None,
        forum_full=services.forum_is_full,
        full=services.is_full(event),
    ), status_of(form)


@blueprint.route("/registrations/<token>/group/<int:member_id>/edit", methods=["GET", "POST"])
def edit_member(token: str, member_id: int):
    """A colleague's registration, changed by who registered them (not their consent to the participant list,
    which is theirs to give)."""
    leader, member = member_or_404(token, member_id)
    if not services.changes_allowed(member, utcnow()):
        return redirect(url_for("registration.own_page", token=token), code=303)
    form = registration_form(member.event, member)
    del form["listed_as_participant"]
    form.by_organiser = True  # "about the person", not "about you"
    if form.validate_on_submit():
        try:
            services.update(member.id, form.applicant(member.locale), utcnow(), by=None)
        except services.RegistrationError as error:
            form.add_error(error.message, error.field)
        else:
            return redirect(url_for("registration.own_page", token=token, saved=1) + "#group-heading", code=303)
    return render_template(
        "registration/member_edit.html",
        event=member.event,
        form=form,
        registration=member,
        token=token,
        forum_full=services.forum_is_full,
    ), status_of(form)


@blueprint.route("/registrations/<token>/group/<int:member_id>/cancel", methods=["GET", "POST"])
def cancel_member(token: str, member_id: int):
    leader, member = member_or_404(token, member_id)
    form = Form()
    error = None
    if form.validate_on_submit():
        try:
            services.cancel(member.id, utcnow(), by=None)
        except services.RegistrationError as refused:
            error = refused.message
        else:
            return redirect(url_for("registration.own_page", token=token) + "#group-heading", code=303)
    return render_template(
        "registration/member_cancel.html", member=member, event=member.event, token=token, form=form, error=error
    )


@blueprint.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    registration = registration_or_404(token)
    form = Form()
    error = None
    if form.validate_on_submit():
        try:
            services.cancel(registration.id, utcnow(), by=None)
        except services.RegistrationError as refused:
            error = refused.message
        else:
            return redirect(url_for("registration.own_page", token=token), code=303)
    return render_template(
        "registration/cancel.html",
        registration=registration,
        event=registration.event,
        token=token,
        form=form,
        error=error,
        group=services.group_of(registration),
    )


@blueprint.route("/events/<slug>/lost-link", methods=["GET", "POST"])
@limited("lost-link")
def lost_link(slug: str):
    event = public_event_or_404(slug)
    form = LostLinkForm()
    if form.validate_on_submit():
        services.resend_link(event.id, form.email.data)
        return render_template("registration/lost_link.html", event=event, form=form, sent=True)
    return render_template("registration/lost_link.html", event=event, form=form, sent=False)


@blueprint.get("/events/<slug>/privacy")
def privacy(slug: str):
    event = public_event_or_404(slug)
    return render_template("registration/privacy.html", event=event)


def participant_list(event: Event):
    """The people who agreed to be listed (the PDF of it: documents/routes.py)."""
    return render_template(
        "registration/participants.html",
        event=event,
        people=services.listed_participants(event.id),
        pdf_url=request.path + ".pdf",
    )


@blueprint.get("/events/<slug>/participants")
def participants(slug: str):
    return participant_list(event_with_public_list_or_404(slug))


@blueprint.get("/registrations/<token>/participants")
def participants_for_registrant(token: str):
    return participant_list(event_whose_list_is_shown_or_404(token))
