"""The speakers of one event, for its organisers: invite each by e-mail, see who answered and who sent slides,
remind them, renew or revoke a link."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.database import utcnow
from conference.materials.models import Visibility
from conference.people import services as people
from conference.people.models import Person
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, status_of
from conference.site.lookup import found
from conference.speakers import services
from conference.speakers.forms import InvitationForm
from conference.speakers.models import SpeakerInvitation

blueprint = Blueprint("speakers_manage", __name__, url_prefix="/manage/events/<int:event_id>/speakers")


def speaker_or_404(person_id: int) -> Person:
    """A person on this event's agenda; anyone else is not found here."""
    return found(next((person for person in services.speakers_of(g.event) if person.id == person_id), None))


@blueprint.get("/")
def index(event_id: int):
    event = g.event
    speakers, invitations = services.speakers_of(event), services.invitations_of(event)
    on_programme = {person.id for person in speakers}
    return render_template(
        "speakers/manage/speakers.html",
        event=event,
        speakers=speakers,
        invitations=invitations,
        former=[invitation for person_id, invitation in invitations.items() if person_id not in on_programme],
        slides=services.slides_sent(event),
        form=Form(),
    )


def invitation_or_404(person_id: int) -> SpeakerInvitation:
    """The event's invitation of this person, also when they have since left the programme."""
    return found(services.invitations_of(g.event).get(person_id))


@blueprint.route("/<int:person_id>/invite", methods=["GET", "POST"])
def invite(event_id: int, person_id: int):
    event, person = g.event, speaker_or_404(person_id)
    if not people.editable_by(current_user, person):
        # The link lets its holder change the person's details, which other events show too.
        flash(
            _(
                "%(name)s also appears at events you do not organise; their details are not yours alone to hand "
                "over. Please ask an administrator to invite them.",
                name=person.name,
            ),
            "error",
        )
        return redirect(url_for(".index", event_id=event.id), code=303)
    invitation = services.invitations_of(event).get(person.id)
    form = InvitationForm()
    if not form.is_submitted() and invitation is not None:
        form.email.data, form.slides_visibility.data = invitation.email, invitation.slides_visibility.value
    if form.validate_on_submit():
        if invitation is not None and invitation.revoked_at is None and not confirmed():
            return ask_first(
                _("Send %(name)s a new link?", name=person.name),
                _("The link sent before stops working; the new one goes to the address given now."),
                _("Send a new link"),
                url_for(".index", event_id=event.id),
            )
        services.invite(
            event, person, form.email.data, Visibility(form.slides_visibility.data), utcnow(), by=current_user
        )
        flash(_("The invitation to %(name)s is on its way.", name=person.name), "success")
        return redirect(url_for(".index", event_id=event.id), code=303)
    return render_template(
        "speakers/manage/invite.html", event=event, person=person, invitation=invitation, form=form
    ), status_of(form)


@blueprint.post("/<int:person_id>/remind")
def remind(event_id: int, person_id: int):
    invitation = invitation_or_404(person_id)
    if Form().validate_on_submit():
        try:
            services.remind(invitation, utcnow(), by=current_user)
        except services.SpeakerError as refused:
            flash(refused.message, "error")
        else:
            flash(_("The reminder to %(name)s is on its way.", name=invitation.person.name), "success")
    return redirect(url_for(".index", event_id=event_id), code=303)


@blueprint.post("/<int:person_id>/revoke")
def revoke(event_id: int, person_id: int):
    invitation = invitation_or_404(person_id)
    if Form().validate_on_submit() and invitation.revoked_at is None:
        if not confirmed():
            return ask_first(
                _("Revoke the link of %(name)s?", name=invitation.person.name),
                _(
                    "The link stops working at once: the speaker can no longer answer, change their details or send "
                    "slides. What they sent stays. Inviting them again sends a new link."
                ),
                _("Revoke the link"),
                url_for(".index", event_id=event_id),
            )
        services.revoke(invitation, utcnow(), by=current_user)
        flash(_("The link of %(name)s no longer works.", name=invitation.person.name), "success")
    return redirect(url_for(".index", event_id=event_id), code=303)
