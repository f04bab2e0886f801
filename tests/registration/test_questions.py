"""Organisers build the registration form: questions of every kind, in order, on a condition, in German
and English; changing or removing a question keeps the answers people gave."""

import sqlalchemy as sa

from conference.database import utcnow
from conference.events import services as events
from conference.extensions import db
from conference.registration import export, questions, services
from conference.registration.models import Answer, Question, QuestionKind, Registration
from tests.support import applicant, form_token, log_in
from tests.support.registration import submit


def save_question(client, event, question_id=None, **fields):
    url = f"/manage/events/{event.id}/registrations/form/" + (str(question_id) if question_id else "new")
    data = {
        "label": "",
        "kind": "text",
        "help_text": "",
        "options": "",
        "condition": "",
        "label_en": "",
        "help_text_en": "",
        "options_en": "",
    } | fields
    return client.post(url, data={"csrf_token": form_token(client, url)} | data)


def asked(event) -> list[Question]:
    db.session.expire_all()
    return questions.asked(db.session.get(type(event), event.id))


def test_an_organiser_builds_a_form_with_a_condition_and_english_texts(client, make_event, make_user, make_forums):
    event = make_event()
    make_forums(event, 10, 10)  # the preview shows the forums too
    log_in(client, make_user(events=[event]))

    assert (
        save_question(
            client,
            event,
            label="Benötigen Sie eine Übernachtung?",
            kind="yes_no",
            required="y",
            label_en="Do you need accommodation?",
        ).status_code
        == 303
    )
    [night] = asked(event)
    assert (
        save_question(
            client,
            event,
            label="Welches Hotel?",
            kind="single_choice",
            required="y",
            options="Hotel am See\nPension Altstadt",
            options_en="Lakeside hotel\nOld town guesthouse",
            condition=f"{night.id}:yes",
            help_text="Wir reservieren für Sie.",
        ).status_code
        == 303
    )
    save_question(client, event, label="Essenswünsche", kind="text")
    night, hotel, food = asked(event)
    assert (hotel.shown_if_id, hotel.shown_if_answer, hotel.options_en) == (
        night.id,
        "yes",
        ["Lakeside hotel", "Old town guesthouse"],
    )

    manage_page = f"/manage/events/{event.id}/registrations/form/"
    client.post(f"{manage_page}{food.id}/up", data={"csrf_token": form_token(client, manage_page)})
    assert [q.label for q in asked(event)] == ["Benötigen Sie eine Übernachtung?", "Essenswünsche", "Welches Hotel?"]
    # The hotel question must stay after the one it depends on.
    client.post(f"{manage_page}{hotel.id}/up", data={"csrf_token": form_token(client, manage_page)})
    refused = client.post(
        f"{manage_page}{hotel.id}/up", data={"csrf_token": form_token(client, manage_page)}, follow_redirects=True
    )
    assert "muss nach der Frage stehen" in refused.get_data(as_text=True)
    assert [q.label for q in asked(event)] == ["Benötigen Sie eine Übernachtung?", "Welches Hotel?", "Essenswünsche"]

    preview = client.get(f"{manage_page}preview").get_data(as_text=True)
    assert "Welches Hotel?" in preview and f'data-shown-if="question_{night.id}" data-shown-if-answer="yes"' in preview
    assert "question-conditions.js" in preview
    client.get("/language/en")
    english = client.get(f"{manage_page}preview").get_data(as_text=True)
    assert "Do you need accommodation?" in english and "Old town guesthouse" in english


def test_an_answer_to_a_question_not_asked_is_not_stored_and_a_required_one_asked_is_required(
    client, make_event, make_question
):
    event = make_event()
    night = make_question(event, label="Übernachtung?", kind=QuestionKind.YES_NO, required=True)
    hotel = make_question(
        event,
        label="Hotel?",
        kind=QuestionKind.SINGLE_CHOICE,
        options=["See", "Altstadt"],
        required=True,
        shown_if_id=night.id,
        shown_if_answer="yes",
    )

    without = submit(client, event, **{f"question_{night.id}": "yes"})
    assert without.status_code == 422 and "Bitte beantworten Sie diese Frage" in without.get_data(as_text=True)

    assert submit(client, event, **{f"question_{night.id}": "no", f"question_{hotel.id}": "See"}).status_code == 303
    [registration] = db.session.scalars(sa.select(Registration)).all()
    assert {answer.question_id: answer.value for answer in registration.answers} == {night.id: False}

    assert (
        submit(
            client,
            event,
            email="zweite@example.org",
            **{f"question_{night.id}": "yes", f"question_{hotel.id}": "Altstadt"},
        ).status_code
        == 303
    )
    second = db.session.scalar(sa.select(Registration).where(Registration.email == "zweite@example.org"))
    assert {answer.question_id: answer.value for answer in second.answers} == {night.id: True, hotel.id: "Altstadt"}
    # Their own page, like their mail, leaves out what they were not asked.
    page = client.get(f"/registrations/{services.link_token(registration)}").get_data(as_text=True)
    assert "Übernachtung?" in page and "Hotel?" not in page and "keine Angabe" not in page


def test_removing_or_changing_an_answered_question_keeps_the_answers(client, make_event, make_user, make_question):
    event = make_event()
    food = make_question(event, label="Essen", kind=QuestionKind.SINGLE_CHOICE, options=["vegetarisch", "vegan"])
    unused = make_question(event, label="Parkplatz?", kind=QuestionKind.YES_NO)
    person = services.register(event.id, applicant(answers={food.id: "vegan"}), utcnow(), by=None).registration
    log_in(client, make_user(events=[event]))

    edit_page = client.get(f"/manage/events/{event.id}/registrations/form/{food.id}").get_data(as_text=True)
    assert "1 Person hat diese Frage beantwortet" in edit_page
    save_question(
        client, event, food.id, label="Essenswunsch", kind="single_choice", options="vegetarisch\nohne Schwein"
    )
    url = f"/manage/events/{event.id}/registrations/form/{food.id}/remove"
    assert "1 Person hat sie beantwortet" in client.get(url).get_data(as_text=True)
    client.post(url, data={"csrf_token": form_token(client, url)})
    unused_url = f"/manage/events/{event.id}/registrations/form/{unused.id}/remove"
    client.post(unused_url, data={"csrf_token": form_token(client, unused_url)})

    assert asked(event) == [] and db.session.get(Question, unused.id) is None
    assert db.session.scalar(sa.select(Answer.value).where(Answer.registration_id == person.id)) == "vegan"
    assert "Essenswunsch (entfernt)" in export.rows(db.session.get(type(event), event.id))[0]
    assert "vegan" in export.rows(event)[1]
    assert "Essenswunsch" not in client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    # The person changes their registration: the answer to the removed question stays.
    services.update(person.id, applicant(), utcnow(), by=None)
    assert db.session.scalar(sa.select(Answer.value).where(Answer.registration_id == person.id)) == "vegan"


def test_questions_that_cannot_work_are_refused(client, make_event, make_user, make_question):
    event = make_event()
    later = make_question(event, label="Später", kind=QuestionKind.YES_NO)
    first = make_question(event, label="Zuerst", kind=QuestionKind.TEXT, position=-1)
    log_in(client, make_user(events=[event]))

    one_option = save_question(client, event, label="Wahl", kind="single_choice", options="nur eine")
    assert one_option.status_code == 422 and "mindestens zwei Optionen" in one_option.get_data(as_text=True)
    english = save_question(client, event, label="Wahl", kind="single_choice", options="a\nb", options_en="a")
    assert english.status_code == 422 and "gleich viele englische Optionen" in english.get_data(as_text=True)
    forged = save_question(client, event, first.id, label="Zuerst", kind="text", condition=f"{later.id}:yes")
    assert forged.status_code == 422
    url = f"/manage/events/{event.id}/registrations/form/{later.id}/remove"
    save_question(client, event, label="Abhängig", kind="text", condition=f"{later.id}:yes")
    client.post(url, data={"csrf_token": form_token(client, url)})
    assert later in asked(event)


def test_a_duplicated_event_asks_the_same_questions_with_their_conditions(make_event, make_question, make_user):
    event = make_event()
    night = make_question(event, label="Übernachtung?", kind=QuestionKind.YES_NO, label_en="Overnight stay?")
    make_question(event, label="Hotel?", kind=QuestionKind.TEXT, shown_if_id=night.id, shown_if_answer="yes")
    gone = make_question(event, label="Alt", kind=QuestionKind.TEXT, removed_at=utcnow())
    assert gone not in questions.asked(event)

    copy = events.duplicate(event.id, "Kopie", "kopie", event.starts_at, by=make_user())

    copied_night, copied_hotel = questions.asked(copy)
    assert copied_night.label_en == "Overnight stay?" and copied_night.id != night.id
    assert (copied_hotel.shown_if_id, copied_hotel.shown_if_answer) == (copied_night.id, "yes")
    assert [q.label for q in copy.questions] == ["Übernachtung?", "Hotel?"]


def test_a_saved_question_keeps_its_kind_and_loses_stray_spaces(make_event):
    event = make_event()
    saved = questions.save(event.id, questions.QuestionDetails(label=" Essen ", kind=QuestionKind.TEXT), by=None)
    assert saved.kind is QuestionKind.TEXT and saved.label == "Essen"


def test_a_question_others_wait_for_keeps_their_answer_and_options_have_limits(
    client, make_event, make_user, make_question
):
    event = make_event()
    night = make_question(
        event, label="Übernachtung?", kind=QuestionKind.SINGLE_CHOICE, options=["Hotel", "Pension", "Nein"]
    )
    make_question(event, label="Welches Hotel?", kind=QuestionKind.TEXT, shown_if_id=night.id, shown_if_answer="Hotel")
    log_in(client, make_user(events=[event]))

    renamed = save_question(
        client, event, night.id, label="Übernachtung?", kind="single_choice", options="Hotelzimmer\nNein"
    )
    assert renamed.status_code == 422 and "„Welches Hotel?“ wird gestellt" in renamed.get_data(as_text=True)
    retyped = save_question(client, event, night.id, label="Übernachtung?", kind="text")
    assert retyped.status_code == 422
    many = save_question(
        client, event, label="Viele", kind="single_choice", options="\n".join(str(n) for n in range(101))
    )
    assert many.status_code == 422 and "Höchstens 100 Optionen" in many.get_data(as_text=True)


def test_an_answer_the_changed_question_cannot_show_survives_an_unrelated_save_and_blanks_are_no_answer(
    make_event, make_question
):
    event = make_event()
    how = make_question(
        event, label="Wie erfahren?", kind=QuestionKind.MULTIPLE_CHOICE, options=["Website", "Sonstiges"]
    )
    note = make_question(event, label="Anmerkung", kind=QuestionKind.TEXT, required=True)
    person = services.register(
        event.id, applicant(answers={how.id: ["Website"], note.id: "keine"}), utcnow(), by=None
    ).registration
    questions.save(
        event.id, questions.QuestionDetails(label="Wie erfahren?", kind=QuestionKind.YES_NO), how.id, by=None
    )

    services.update(
        person.id, applicant(answers={how.id: None, note.id: "keine"}), utcnow(), by_organiser=True, by=None
    )
    assert db.session.scalar(sa.select(Answer.value).where(Answer.question_id == how.id)) == ["Website"]
    import pytest

    with pytest.raises(services.RegistrationError):
        services.update(
            person.id, applicant(answers={how.id: None, note.id: "   "}), utcnow(), by_organiser=True, by=None
        )


def test_the_same_form_sent_twice_without_an_address_is_one_registration(make_event):
    event = make_event()
    first = services.register(
        event.id, applicant(email="", submission_key="a" * 32), utcnow(), by_organiser=True, by=None
    )
    again = services.register(
        event.id, applicant(email="", submission_key="a" * 32), utcnow(), by_organiser=True, by=None
    )
    assert again.repeated and again.registration.id == first.registration.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


def test_the_log_shows_what_changed_in_a_question(client, make_event, make_user):
    import html

    event = make_event()
    log_in(client, make_user(events=[event]))
    save_question(client, event, label="Essenswünsche", kind="single_choice", options="vegetarisch\nvegan")
    [question] = asked(event)
    save_question(
        client,
        event,
        question.id,
        label="Essenswünsche",
        kind="single_choice",
        options="vegetarisch\nvegan\nhalal",
        required="y",
    )
    log = html.unescape(client.get(f"/manage/events/{event.id}/log").get_data(as_text=True))
    assert "Optionen: „vegetarisch · vegan“ → „vegetarisch · vegan · halal“" in log
    assert "Antwort erforderlich: „Nein“ → „Ja“" in log
    save_question(
        client,
        event,
        question.id,
        label="Essenswünsche",
        kind="single_choice",
        options="vegetarisch\nvegan\nhalal",
        required="y",
    )  # unchanged
    assert (
        html.unescape(client.get(f"/manage/events/{event.id}/log").get_data(as_text=True)).count(
            "<td>Frage gespeichert"
        )
        == 2
    )  # added, changed; not the unchanged save
