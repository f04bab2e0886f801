from typing import TYPE_CHECKING

from flask import Blueprint, abort, render_template, send_from_directory

from conference.extensions import db
from conference.people import photos
from conference.people.models import Person

if TYPE_CHECKING:
    from conference.agenda.models import AgendaItemPerson

blueprint = Blueprint("people", __name__)


def public_appearances(person_id: int) -> tuple[Person, list["AgendaItemPerson"]]:
    """The person and their appearances at public events, latest first; 404 for anyone on no public agenda (who has
    no public page)."""
    person = db.session.get(Person, person_id)
    appearances = [a for a in person.appearances if a.agenda_item.event.is_public] if person else []
    if person is None or not appearances:
        abort(404)
    appearances.sort(key=lambda appearance: appearance.agenda_item.starts_at, reverse=True)
    return person, appearances


@blueprint.get("/speakers/<int:person_id>")
def speaker(person_id: int):
    person, appearances = public_appearances(person_id)
    return render_template("people/speaker.html", person=person, appearances=appearances)


@blueprint.get("/speakers/<int:person_id>/photo")
def photo(person_id: int):
    """The photo, only while the person agrees to it being shown."""
    person, _appearances = public_appearances(person_id)
    if not person.public_photo:
        abort(404)
    return send_from_directory(photos.folder(), person.public_photo, mimetype="image/jpeg", max_age=3600)
