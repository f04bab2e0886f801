from flask import Blueprint, abort, render_template

from conference.extensions import db
from conference.people.models import Person

blueprint = Blueprint("people", __name__)


@blueprint.get("/speakers/<int:person_id>")
def speaker(person_id: int):
    person = db.session.get(Person, person_id)
    # Only people on the agenda of a public event have a public page.
    appearances = [a for a in person.appearances if a.agenda_item.event.is_public] if person else []
    if not appearances:
        abort(404)
    appearances.sort(key=lambda appearance: appearance.agenda_item.starts_at, reverse=True)
    return render_template("people/speaker.html", person=person, appearances=appearances)
