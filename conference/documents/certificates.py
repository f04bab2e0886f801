"""Certificates of attendance: who gets one, their numbers, and their verification."""

import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import render_template
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from conference.agenda.models import AgendaItem
from conference.database import write_transaction
from conference.documents.models import Certificate
from conference.documents.pdf import Metadata
from conference.documents.render import render_chunks
from conference.events.models import Event, ExtentUnit, PartnerRole
from conference.extensions import db
from conference.registration.models import BY_NAME, Registration, RegistrationStatus
from conference.registration.services import forum_slots
from conference.rules import Refusal
from conference.site import qr
from conference.site.filters import clock
from conference.site.i18n import speaking
from conference.site.urls import absolute_url

# Twelve characters without look-alikes (0/O, 1/I): 60 random bits, so numbers cannot be guessed
# to find out who attended what.
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NUMBER_PATTERN = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
CERTIFICATES_PER_CHUNK = 25


class CertificateRefused(Refusal):
    pass


def new_number() -> str:
    characters = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(12))
    return f"{characters[:4]}-{characters[4:8]}-{characters[8:]}"


def normalise_number(typed: str) -> str:
    """What someone typed from the paper, as stored: upper case, dashes where they belong."""
    characters = re.sub(r"[^A-Z0-9]", "", typed.upper())[:12]
    return "-".join(characters[start : start + 4] for start in range(0, len(characters), 4))


def attended(registration: Registration) -> bool:
    return registration.status == RegistrationStatus.CONFIRMED and registration.checked_in_at is not None


def entitled(registration: Registration) -> bool:
    """Checked in, and still named: a certificate saying "(deleted)" attended proves nothing."""
    return attended(registration) and registration.anonymised_at is None


def available_to_attendee(registration: Registration, now: datetime) -> bool:
    """Attendees fetch theirs from their link once they were checked in and the event is over."""
    return entitled(registration) and registration.event.has_ended(now)


def not_yet_message(event: Event) -> str:
    return _(
        "Certificates of attendance can be made once the event is over, from %(time)s on %(date)s.",
        time=clock(event.ends_at),
        date=format_date(event.ends_at, "long"),
    )


def attendees(event_id: int) -> list[Registration]:
    """Everyone checked in at the event who gets a certificate (not those whose data was deleted), by last name."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.checked_in_at.is_not(None),
                Registration.anonymised_at.is_(None),
            )
            .order_by(*BY_NAME)
        )
    )


def issue(registrations: list[Registration], now: datetime) -> dict[int | None, Certificate]:
    """The certificate of each registration (by registration id), numbered on first issue.

    Only after the event, and only to people who were checked in and whose data is not deleted.
    A name corrected after the first issue is printed and verified as corrected; the number stays.
    """
    if any(not registration.event.has_ended(now) for registration in registrations):
        raise CertificateRefused(not_yet_message(registrations[0].event))
    if any(not attended(registration) for registration in registrations):
        raise CertificateRefused(_("Certificates are issued only to people who were checked in."))
    if any(registration.anonymised_at is not None for registration in registrations):
        raise CertificateRefused(_("This person's data has been deleted, so no certificate can name them."))
    ids = [registration.id for registration in registrations]
    with write_transaction():
        issued = {
            certificate.registration_id: certificate
            for certificate in db.session.scalars(sa.select(Certificate).where(Certificate.registration_id.in_(ids)))
        }
        for registration in registrations:
            certificate = issued.get(registration.id)
            if certificate is None:
                certificate = issued[registration.id] = Certificate(
                    number=new_number(), event_id=registration.event_id, registration_id=registration.id, issued_at=now
                )
                db.session.add(certificate)
            certificate.holder_name = registration.full_name
            certificate.event_title = registration.event.title
    return issued


def find(typed_number: str) -> Certificate | None:
    number = normalise_number(typed_number)
    if not NUMBER_PATTERN.fullmatch(number):
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.number == number))


def is_true(certificate: Certificate) -> bool:
    """Issued after the event, to someone still counted as there (a check-in can be taken back)."""
    if certificate.issued_at < certificate.event.ends_at:
        return False
    return certificate.registration is None or attended(certificate.registration)


def verification_url(certificate: Certificate) -> str:
    return absolute_url("documents.verify", number=certificate.number)


def html(event: Event, registrations: list[Registration], certificates: dict[int | None, Certificate]) -> str:
    """One HTML document with a page for each registration, each in the language they registered in."""
    pages = []
    for registration in registrations:
        certificate = certificates[registration.id]
        url = verification_url(certificate)
        with speaking(registration.locale):
            # Each page is a rendered (so escaped) template of our own, joined into one document.
            pages.append(
                Markup(
                    render_template(
                        "pdf/_certificate_page.html",
                        event=event,
                        registration=registration,
                        certificate=certificate,
                        verification_url=url,
                        qr_code=qr.svg_data_uri(url),
                        topics=topics(event, registration),
                        extent=extent(event),
                        organisers=_organisations(event, PartnerRole.ORGANISER),
                    )
                )
            )
    language = registrations[0].locale if len(registrations) == 1 else event.language
    with speaking(language):
        return render_template(
            "pdf/certificates.html",
            event=event,
            pages=pages,
            language=language,
            metadata=metadata(event, registrations),
        )


def metadata(event: Event, registrations: list[Registration]) -> Metadata:
    holder = f" – {registrations[0].full_name}" if len(registrations) == 1 else ""
    author = (
        ", ".join(p.organisation.name for p in event.partners if p.role == PartnerRole.ORGANISER) or event.contact_name
    )
    return Metadata(
        title=_("Certificate of attendance") + f": {event.title}{holder}",
        author=author or event.title,
        language=event.language,
    )


def topics(event: Event, registration: Registration) -> list[AgendaItem]:
    """The programme as this person had it: everything but breaks, and of parallel forums only the one they chose."""
    chosen = {choice.agenda_item_id for choice in registration.forum_choices}
    parallel = {item.id for slot in forum_slots(event) for item in slot.items}
    return [
        item for item in event.agenda_items if not item.kind.is_pause and (item.id not in parallel or item.id in chosen)
    ]


def extent(event: Event) -> str:
    """ "6 Zeitstunden", "8 Unterrichtseinheiten à 45 Minuten", or "" when the event sets none."""
    if event.certificate_extent is None:
        return ""
    amount, plural = format_decimal(event.certificate_extent.normalize()), 1 if event.certificate_extent == 1 else 2
    if event.certificate_extent_unit == ExtentUnit.TEACHING_UNITS:
        return ngettext(
            "%(amount)s teaching unit of 45 minutes", "%(amount)s teaching units of 45 minutes", plural, amount=amount
        )
    return ngettext("%(amount)s hour", "%(amount)s hours", plural, amount=amount)


def _organisations(event: Event, role: PartnerRole) -> list:
    return [partner.organisation for partner in event.partners if partner.role == role]


def chunks(event: Event, registrations: list[Registration], issued: dict[int | None, Certificate]) -> list[str]:
    """The ``issued`` certificates of ``registrations`` as HTML documents of up to CERTIFICATES_PER_CHUNK pages."""
    return [
        html(event, registrations[start : start + CERTIFICATES_PER_CHUNK], issued)
        for start in range(0, len(registrations), CERTIFICATES_PER_CHUNK)
    ]


def pdf_of(registration: Registration, now: datetime) -> bytes:
    """One person's certificate as a PDF, issued (numbered) first unless it was already."""
    event = registration.event
    return render_chunks([html(event, [registration], issue([registration], now))], metadata(event, [registration]))
