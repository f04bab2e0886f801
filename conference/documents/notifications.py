"""The mail that brings an attendee their certificate of attendance."""

from flask import render_template
from flask_babel import gettext as _

from conference.documents import jobs
from conference.documents.render import file_name
from conference.extensions import db
from conference.mail import services as mail
from conference.registration import mail_texts
from conference.registration.models import Registration
from conference.registration.services import link_token
from conference.site.i18n import speaking
from conference.site.urls import absolute_url


@mail.builder(
    "certificate",
    after_sent=lambda context: jobs.forget_mailed_certificates([context["registration_id"]], context["job_id"]),
)
def build(context: dict):
    registration = db.session.get_one(Registration, context["registration_id"])
    event = registration.event
    with speaking(registration.locale):
        link = absolute_url("registration.own_page", token=link_token(registration))
        subject, text = mail_texts.compose(registration, "certificate", link)
        message = mail_texts.new_message(event, registration.address, subject)
        message.set_content(render_template("documents/certificate_mail.txt", event=event, text=text, link=link))
        message.add_attachment(
            jobs.mailed_certificate(context["job_id"], registration.id),
            maintype="application",
            subtype="pdf",
            filename=file_name(_("Certificate of attendance"), event.slug),
        )
    return message
