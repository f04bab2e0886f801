"""Speakers and moderators in the back office (shared by all events).

A person who appears in events may be changed by administrators and by those who organise every
one of those events, and the change is logged in each; a person in no event yet by administrators
and by whoever added them.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from conference.extensions import db
from conference.organisations import services as organisation_services
from conference.people import services
from conference.people.models import Person
from conference.site.forms import Form, status_of

blueprint = Blueprint("people_manage", __name__, url_prefix="/manage/people")


class PersonForm(Form):
    name = StringField(
        _l("Name"),
        [InputRequired(_l("Please enter a name.")), Length(max=200)],
        description=_l("Or the role, e.g. “Projektleitung”, where no name should appear."),
    )
    academic_title = StringField(_l("Academic title"), [Optional(), Length(max=60)])
    function = StringField(_l("Function"), [Optional(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    biography = TextAreaField(_l("Short biography"), [Optional(), Length(max=5000)])


@blueprint.get("/")
def index():
    people = db.session.scalars(db.select(Person).order_by(Person.name)).all()
    return render_template(
        "people/manage/people.html", people=[(person, services.editable_by(current_user, person)) for person in people]
    )


@blueprint.route("/new", methods=["GET", "POST"], defaults={"person_id": None})
@blueprint.route("/<int:person_id>", methods=["GET", "POST"])
def edit(person_id: int | None):
    person = db.session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and person is None:
        abort(404)
    if person is not None and not services.editable_by(current_user, person):
        abort(403)
    form = PersonForm(obj=person)
    organisations = organisation_services.in_name_order()
    form.organisation_id.choices = [SelectChoice(0, "–")] + [SelectChoice(org.id, org.name) for org in organisations]
    if form.validate_on_submit():
        person = services.save(
            person,
            services.PersonDetails(
                form.name.data,
                form.academic_title.data or "",
                form.function.data or "",
                form.organisation_id.data or None,
                form.biography.data or "",
            ),
            by=current_user,
        )
        flash(_("Saved: %(title)s", title=person.full_name), "success")
        return redirect(url_for(".index"), code=303)
    return render_template("people/manage/person.html", form=form, person=person), status_of(form)
