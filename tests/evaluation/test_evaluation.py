"""The evaluation after an event: its questions, the mails that ask for it, answering once, anonymously, results."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from conference.database import utcnow
from conference.evaluation import notifications, services
from conference.evaluation.models import Evaluation, Invitation, Response, ResponseAnswer
from conference.events import services as event_services
from conference.extensions import db
from conference.privacy import services as privacy
from conference.registration import export
from conference.registration import questions as registration_questions
from conference.registration import services as registration_services
from conference.registration.models import Question, QuestionKind, Questionnaire, Registration
from tests.support import check_in, form_token, log_in
from tests.support.documents import pdf_pages
from tests.support.registration import register


@pytest.fixture
def past_event(make_event):
    """An event that ended yesterday, with the standard questions of the evaluation."""

    def make(**fields):
        start = utcnow() - timedelta(days=1, hours=8)
        event = make_event(starts_at=start, ends_at=start + timedelta(hours=6), **fields)
        services.use_standard_set(event.id, by=None)
        return event

    return make


def attendees(event, count: int, checked_in: int | None = None, **fields) -> list[Registration]:
    people = [register(event, **fields) for _ in range(count)]
    for person in people[: count if checked_in is None else checked_in]:
        check_in(person)
    return people


EVALUATION_LINK = re.compile(r"http://localhost(/events/\S+/evaluation/[0-9a-f]+)")


def link_in(mail) -> str:
    return EVALUATION_LINK.search(mail.get_body(("plain",)).get_content())[1]


def link_of(mailbox, person) -> str:
    """The evaluation link in the (last) mail that brought ``person`` one."""
    texts = [mail.get_body(("plain",)).get_content() for mail in mailbox.to(person.email)]
    [*_earlier, last] = [text for text in texts if EVALUATION_LINK.search(text)]
    return EVALUATION_LINK.search(last)[1]


def answer_page(client, link: str, **answers):
    """Send the evaluation form at ``link`` with ``answers`` by question number (1 = the first question)."""
    html = client.get(link).get_data(as_text=True)
    fields = re.findall(r'name="(question_\d+)"', html)
    names = list(dict.fromkeys(fields))
    data = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]}
    for number, value in answers.items():
        data[names[int(number.removeprefix("q")) - 1]] = value
    return client.post(link, data=data)


def test_the_standard_questions_are_the_evaluations_own_and_go_with_a_copy_of_the_event(past_event, make_question):
    event = past_event()
    own = make_question(event, label="Essen", kind=QuestionKind.TEXT)

    evaluation = services.questions_of(event)
    assert [question.kind for question in evaluation][:3] == [QuestionKind.SCALE] * 3
    assert evaluation[0].options == ["gar nicht zufrieden", "sehr zufrieden"]
    assert registration_questions.asked(event) == [own]  # the registration form does not ask them
    assert export.rows(event)[0][-1] == "Essen"  # nor does the export list them
    with pytest.raises(services.EvaluationError):
        services.use_standard_set(event.id, by=None)

    copy = event_services.duplicate(event.id, "Kopie", "kopie", utcnow() + timedelta(days=90), by=None)
    assert [q.label for q in services.questions_of(copy)] == [q.label for q in evaluation]
    assert [q.label for q in registration_questions.asked(copy)] == ["Essen"]


def test_a_scale_has_two_named_ends_and_only_the_evaluation_asks_one(make_event):
    event = make_event()
    scale = registration_questions.QuestionDetails(label="Wie war es?", kind=QuestionKind.SCALE, options=["schlecht"])
    with pytest.raises(registration_questions.QuestionError, match="zwei Enden"):
        registration_questions.save(event.id, scale, questionnaire=Questionnaire.EVALUATION, by=None)
    scale.options = ["schlecht", "gut"]
    with pytest.raises(registration_questions.QuestionError, match="nicht stellen"):
        registration_questions.save(event.id, scale, by=None)
    saved = registration_questions.save(event.id, scale, questionnaire=Questionnaire.EVALUATION, by=None)
    assert saved.questionnaire == Questionnaire.EVALUATION and saved.options == ["schlecht", "gut"]


def test_checked_in_attendees_are_asked_the_morning_after_and_reminded_once_unless_they_answered(
    client, past_event, mailbox
):
    event = past_event()
    answering, silent, absent = attendees(event, 3, checked_in=2)
    mailbox.messages.clear()
    day_after = services.first_mail_due(event)

    assert services.due(day_after - timedelta(minutes=1)) == ([], [])  # not in the night
    assert services.due(day_after) == ([event.id], [])
    sent = services.invite(event.id, day_after, by=None)

    assert sent == 2 and mailbox.to(absent.email) == []
    [mail] = mailbox.to(answering.email)
    assert mail["Subject"] == f"Ihre Meinung zu „{event.title}“"
    first_link = link_of(mailbox, silent)
    assert answer_page(client, link_in(mail), q1="5", q2="4").status_code == 303
    mailbox.messages.clear()

    assert services.due(day_after + timedelta(days=3)) == ([], [])
    assert services.due(day_after + services.REMIND_AFTER) == ([], [event.id])
    assert services.remind(event.id, day_after + services.REMIND_AFTER, by=None) == 1
    [reminder] = mailbox.messages
    assert reminder["To"] == silent.email and reminder["Subject"].startswith("Erinnerung: Ihre Meinung")
    assert link_in(reminder) == first_link  # the same link still works
    assert services.due(day_after + timedelta(days=10)) == ([], [])  # once only


def test_the_periodic_task_sends_what_is_due_and_not_for_old_events(past_event, make_event, mailbox, monkeypatch):
    recent = past_event()
    [person] = attendees(recent, 1)
    old_start = utcnow() - timedelta(days=30)
    old = make_event(starts_at=old_start, ends_at=old_start + timedelta(hours=6))
    services.use_standard_set(old.id, by=None)
    attendees(old, 1)
    mailbox.messages.clear()
    monkeypatch.setattr(notifications, "utcnow", lambda: services.first_mail_due(recent) + timedelta(hours=1))

    assert notifications.send_due() == 1
    assert [mail["To"] for mail in mailbox.messages] == [person.email]
    assert notifications.send_due() == 0


def test_a_link_answers_once_and_a_wrong_used_foreign_or_deleted_link_gets_a_clear_page_and_stores_nothing(
    client, past_event, mailbox
):
    event, other = past_event(), past_event()
    first, second = attendees(event, 2)
    [stranger] = attendees(other, 1)
    services.invite(event.id, utcnow(), by=None)
    services.invite(other.id, utcnow(), by=None)
    link, second_link = link_of(mailbox, first), link_of(mailbox, second)
    foreign = link_of(mailbox, stranger).replace(other.slug, event.slug)

    own_page = f"/registrations/{registration_services.link_token(first)}"
    assert link in client.get(own_page).get_data(as_text=True)  # also on the person's own page, until answered
    assert answer_page(client, link, q1="3").status_code == 303
    assert link not in client.get(own_page).get_data(as_text=True)
    again = client.post(link, data={"csrf_token": form_token(client, second_link)})
    assert again.status_code == 200 and "bereits beantwortet" in again.get_data(as_text=True)
    assert "bereits beantwortet" in client.get(link).get_data(as_text=True)

    wrong = client.get(link[:-4] + "0000")
    assert wrong.status_code == 404 and "nicht gültig" in wrong.get_data(as_text=True)
    elsewhere = client.get(foreign)
    assert elsewhere.status_code == 404 and "einer anderen Veranstaltung" in elsewhere.get_data(as_text=True)
    privacy.delete_on_request(second.id, utcnow(), by=None)
    deleted = client.post(second_link, data={"csrf_token": form_token(client, f"/events/{event.slug}/register")})
    assert deleted.status_code == 404 and "nicht gültig" in deleted.get_data(as_text=True)

    [response] = db.session.scalars(sa.select(Response)).all()
    assert [answer.value for answer in response.answers] == [3]


def test_no_answer_row_can_be_joined_to_a_registration_and_the_answers_outlive_the_personal_data(
    client, past_event, mailbox
):
    event = past_event()
    people = attendees(event, 3)
    services.invite(event.id, utcnow(), by=None)
    for number, person in enumerate(people, 1):
        answer_page(client, link_of(mailbox, person), q1=str(number), q6=f"Text {number}")

    # Nothing in the tables of answers names, points to or dates a person: no column refers to another table
    # than the event, the question or the response, none holds a time of day, and no value is a registration's.
    for table in (Response.__table__, ResponseAnswer.__table__):
        assert {key.column.table.name for key in table.foreign_keys} <= {"event", "question", "evaluation_response"}
        assert not any(isinstance(column.type, sa.DateTime) for column in table.columns)
    known = {str(value) for person in people for value in (person.id, person.token_hash, person.check_in_code)}
    rows = db.session.execute(sa.select(Response.id, Response.day, Response.forum_ids)).all()
    assert not {str(value) for row in rows for value in row} & known
    assert [set(row) for row in db.session.execute(sa.select(Invitation.answered))] == [{True}] * 3

    privacy.purge(utcnow() + timedelta(days=3650))
    assert db.session.scalars(sa.select(Invitation)).all() == []
    results = services.results(event)
    assert results.responses == 3 and results.invited == 3 and results.rate == 1
    assert results.items[0].rows[:3] == [("1 – gar nicht zufrieden", 1, 1 / 3), ("2", 1, 1 / 3), ("3", 1, 1 / 3)]
    assert sorted(results.items[-1].texts) == ["Text 1", "Text 2", "Text 3"]


def test_results_show_from_three_answers_per_question_on_screen_and_in_the_workbook(
    client, past_event, make_user, mailbox
):
    event = past_event()
    people = attendees(event, 3)
    services.invite(event.id, utcnow(), by=None)
    links = [link_of(mailbox, person) for person in people]
    organiser = make_user(events=[event])
    answer_page(client, links[0], q1="5", q2="2", q4="Sonstiges", q6="<b>Gut</b>")
    answer_page(client, links[1], q1="4", q2="3", q4="Sonstiges")

    log_in(client, organiser)
    page = client.get(f"/manage/events/{event.id}/evaluation/").get_data(as_text=True)
    assert "2 Antworten" in page and "mindestens 3" in page and '<img class="chart"' not in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/events/{event.id}/evaluation/results.xlsx").data))
    assert book["Antworten"].max_row == 1  # the heading only

    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    answer_page(client, links[2], q1="5")
    log_in(client, organiser)
    page = client.get(f"/manage/events/{event.id}/evaluation/").get_data(as_text=True)
    assert "3 Antworten" in page and "Rücklaufquote 100" in page
    assert page.count('<img class="chart"') == 1  # only the first question was answered by three
    assert "Mittelwert 4,7" in page
    assert "&lt;b&gt;Gut&lt;/b&gt;" not in page  # a text answered by one person is not shown

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/events/{event.id}/evaluation/results.xlsx").data))
    overview = book["Überblick"]
    assert [overview["A3"].value, overview["B3"].value, overview["A4"].value, overview["B4"].value] == [
        "Gefragt",
        3,
        "Beantwortet",
        3,
    ]
    first = book[book.sheetnames[1]]
    assert first["A1"].value == "Wie zufrieden waren Sie mit der Veranstaltung insgesamt?"
    values = [[cell.value for cell in row] for row in first.iter_rows(min_row=4)]
    assert values[:1] == [["Antwort", "Anzahl", "Anteil"]]
    assert [row[:2] for row in values[1:]] == [
        ["1 – gar nicht zufrieden", 0],
        ["2", 0],
        ["3", 0],
        ["4", 1],
        ["5 – sehr zufrieden", 2],
    ]
    assert "Weniger als 3" in book[book.sheetnames[2]]["A3"].value
    raw = [[cell.value for cell in row] for row in book["Antworten"].iter_rows()]
    assert raw[0] == ["Tag", "Wie zufrieden waren Sie mit der Veranstaltung insgesamt?"]
    assert sorted(row[1] for row in raw[1:]) == [4, 5, 5]
    assert all(people[0].email not in str(cell) for row in raw for cell in row)


def test_the_results_pdf_has_the_figures_charts_and_texts_for_the_report(client, past_event, make_user, mailbox):
    event = past_event(grant_number="FKZ 2011-17")
    people = attendees(event, 4)
    services.invite(event.id, utcnow(), by=None)
    for number, person in enumerate(people):
        answer_page(client, link_of(mailbox, person), q1=str(5 - number % 2), q6=f"Anregung {number}")
    log_in(client, make_user(events=[event]))

    response = client.get(f"/manage/events/{event.id}/evaluation/results.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(pdf_pages(response.data))
    for expected in ("Evaluation", event.title, "FKZ 2011-17", "Rücklaufquote 100", "Mittelwert 4,5"):
        assert expected in text, expected
    assert "Anregung 3" in text
    assert "5 – sehr zufrieden" in text  # the chart's labels are text in the PDF


def test_results_can_be_seen_per_forum_only_where_neither_it_nor_the_rest_tells_a_few_apart(
    client, past_event, make_forums, make_user, mailbox
):
    event = past_event()
    first, second = make_forums(event, None, None)
    people = attendees(event, 3, forums=[first.id]) + attendees(event, 3, forums=[second.id])
    services.invite(event.id, utcnow(), by=None)
    for person in people[:4]:
        answer_page(client, link_of(mailbox, person), q1="4")

    # Three in the first forum, one in the second: the whole less the first would show that one person's answer.
    assert services.results(event).shown
    assert not services.results(event, first).shown and not services.results(event, first).items[0].shown
    assert not services.results(event, second).shown
    log_in(client, make_user(events=[event]))
    page = client.get(f"/manage/events/{event.id}/evaluation/?forum={first.id}").get_data(as_text=True)
    assert "Weniger als 3 Antworten" in page and '<img class="chart"' not in page and "Rücklaufquote" not in page
    assert client.get(f"/manage/events/{event.id}/evaluation/?forum=999999").status_code == 200  # the whole event
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})

    for person in people[4:]:
        answer_page(client, link_of(mailbox, person), q1="2")
    assert services.results(event, first).shown and services.results(event, second).shown
    assert services.results(event, second).items[0].rows[1] == ("2", 2, 2 / 3)

    log_in(client, make_user(events=[past_event()]))
    for path in ("", "results.pdf", "results.xlsx", "preview"):
        assert client.get(f"/manage/events/{event.id}/evaluation/{path}").status_code in (403, 404), path


def test_the_organiser_sends_it_by_hand_after_being_asked_and_can_switch_off_sending_by_itself(
    client, past_event, make_user, mailbox
):
    event = past_event()
    attendees(event, 2)
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    token = form_token(client, f"/manage/events/{event.id}/evaluation/")

    asked = client.post(f"/manage/events/{event.id}/evaluation/send/invitation", data={"csrf_token": token})
    assert "2 Personen erhalten eine E-Mail" in asked.get_data(as_text=True) and mailbox.messages == []
    client.post(f"/manage/events/{event.id}/evaluation/send/invitation", data={"csrf_token": token, "confirmed": "1"})
    assert len(mailbox.messages) == 2

    client.post(f"/manage/events/{event.id}/evaluation/settings", data={"csrf_token": token})
    assert db.session.get(Evaluation, event.id).mailed_by_itself is False
    assert services.due(utcnow() + services.REMIND_AFTER) == ([], [])


def test_an_evaluation_question_with_answers_is_taken_off_the_form_and_its_answers_stay(client, past_event, mailbox):
    event = past_event()
    people = attendees(event, 3)
    services.invite(event.id, utcnow(), by=None)
    for person in people:
        answer_page(client, link_of(mailbox, person), q1="2")
    first = services.questions_of(event)[0]

    registration_questions.remove(event.id, first.id, by=None)

    assert db.session.get(Question, first.id).removed_at is not None
    [item, *_rest] = services.results(event).items
    assert item.question.id == first.id and item.answered == 3
