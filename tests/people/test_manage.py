import sqlalchemy as sa

from conference.extensions import db
from conference.people.models import Person
from tests.support import form_token, log_in


def test_organisers_add_and_edit_speakers(client, make_user, make_organisation):
    ifdm = make_organisation(name="Integrationsfachdienst Migration MV")
    log_in(client, make_user())
    url = "/manage/people/new"

    client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "name": "Leitung",
            "academic_title": "Dr.",
            "organisation_id": str(ifdm.id),
            "biography": "Berät Betriebe.",
        },
    )

    person = db.session.scalar(sa.select(Person))
    assert (person.full_name, person.organisation, person.biography) == ("Dr. Leitung", ifdm, "Berät Betriebe.")
    edit = f"/manage/people/{person.id}"
    assert 'value="Leitung"' in client.get(edit).get_data(as_text=True)
    empty = client.post(edit, data={"csrf_token": form_token(client, edit), "name": "", "organisation_id": "0"})
    assert empty.status_code == 422 and "Bitte geben Sie einen Namen ein." in empty.get_data(as_text=True)
    assert db.session.get(Person, person.id).name == "Leitung"
