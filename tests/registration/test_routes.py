import re
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.database import utcnow
from conference.events.models import ParticipantListMode
from conference.extensions import db
from conference.registration import services
from conference.registration.models import QuestionKind, Registration
from conference.registration.models import RegistrationStatus as S
from tests.support import applicant
from tests.support.registration import form_data, registrations, submit


def test_form_has_a_label_for_every_field_and_marks_required_ones(client, make_event, make_question, make_forums):
    event = make_event()
    make_question(
        event, label="Ernährung", kind=QuestionKind.SINGLE_CHOICE, options=["vegetarisch", "vegan"], required=True
    )
    make_forums(event, 20, 20)

    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)

    for field_id in (
        "first_name",
        "last_name",
        "email",
        "organisation",
        "function",
        "phone",
        "privacy",
        "listed_as_participant",
    ):
        assert f'<label for="{field_id}">' in html, field_id
    assert 'autocomplete="email"' in html and 'autocomplete="given-name"' in html
    assert '"None"' not in html
    assert "<legend>Ernährung" in html and "Forum 1" in html and "Forum 2" in html
    assert f'href="/events/{event.slug}/privacy"' in html
    assert "Mit * markierte Felder sind Pflichtfelder." in html


def test_a_valid_registration_thanks_and_mails_the_link_to_the_personal_page(client, make_event, mailbox):
    event = make_event()

    response = submit(client, event)

    assert response.status_code == 303 and response.headers["Location"] == f"/events/{event.slug}/register/thanks"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vielen Dank für Ihre Anmeldung, Nadia!" in page and "E-Mail an nadia@example.org geschickt" in page
    assert "Sie haben einen Platz." in page
    link = re.search(
        r"http://localhost(/registrations/[0-9a-f]{64})",
        mailbox.to("nadia@example.org")[0].get_body(("plain",)).get_content(),
    ).group(1)
    assert "Bestätigt" in client.get(link).get_data(as_text=True)
    [registration] = registrations(event)
    assert (registration.first_name, registration.email, registration.status) == (
        "Nadia",
        "nadia@example.org",
        S.CONFIRMED,
    )


def test_errors_are_summarised_shown_at_the_field_and_entries_kept(client, make_event):
    event = make_event()

    response = submit(client, event, first_name="", email="not-an-address", privacy="", organisation="Mein Verein")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary" role="alert"' in html
    assert '<a href="#first_name">Vorname: Bitte geben Sie Ihren Vornamen ein.</a>' in html
    assert 'id="email-error"' in html and "Bitte geben Sie eine gültige E-Mail-Adresse ein" in html
    assert 'aria-describedby="email-hint email-error"' in html
    assert "ohne Ihre Zustimmung können wir Sie nicht anmelden" in html
    assert 'value="Mein Verein"' in html and 'value="not-an-address"' in html
    assert registrations(event) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"first_name": "x" * 101},
        {"organisation": "x" * 201},
        {"email": "a@" + "b" * 260 + ".de"},
        {"email": "nadia@example.org\r\nBcc: victim@example.org"},
        {"privacy": ""},
        {"csrf_token": "forged"},
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(client, make_event, fields):
    event = make_event()
    response = submit(client, event, **fields)
    html = response.get_data(as_text=True)
    if "csrf_token" in fields:
        assert response.status_code == 400 and "Das Formular war abgelaufen" in html
    else:
        assert response.status_code == 422 and "Bitte prüfen Sie Ihre Angaben" in html
    assert registrations(event) == []


def test_tampered_forum_and_question_values_are_refused(client, make_event, make_forums, make_question):
    event = make_event()
    forum, _ = make_forums(event, 10, 10)
    question = make_question(event, kind=QuestionKind.SINGLE_CHOICE, options=["a", "b"])

    for tampered in (
        {"forum_0": "999999"},
        {"forum_0": "abc"},
        {"forum_0": str(forum.id), f"question_{question.id}": "c"},
    ):
        response = submit(client, event, **tampered)
        assert response.status_code == 422, tampered
    assert registrations(event) == []
    assert submit(client, event, forum_0=str(forum.id), **{f"question_{question.id}": "b"}).status_code == 303


def test_full_forums_are_shown_and_cannot_be_chosen(client, make_event, make_forums):
    event = make_event()
    small, large = make_forums(event, 1, 5)
    services.register(event.id, applicant(forums=[small.id]), utcnow(), by=None)

    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert re.search(rf'value="{small.id}"\s+disabled', html) and "ausgebucht" in html

    response = submit(client, event, forum_0=str(small.id))
    assert response.status_code == 422 and "ist voll" in response.get_data(as_text=True)


def test_a_full_event_says_so_before_submitting_and_puts_people_on_the_waiting_list(client, make_event):
    event = make_event(capacity=1)
    services.register(event.id, applicant(), utcnow(), by=None)

    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Diese Veranstaltung ist ausgebucht." in html and "Auf die Warteliste" in html

    page = client.get(manage_url(client, event)).get_data(as_text=True)
    assert "Auf der Warteliste" in page


def test_closed_registration_shows_no_form(client, make_event):
    event = make_event(registration_closes_at=utcnow() - timedelta(hours=1))
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Die Anmeldung ist geschlossen." in html and "<form" not in html
    open_event = make_event()
    token = form_data(client.get(f"/events/{open_event.slug}/register").get_data(as_text=True))
    response = client.post(f"/events/{event.slug}/register", data=form_data("") | token)
    assert "Die Anmeldung ist geschlossen." in response.get_data(as_text=True) and registrations(event) == []


def test_a_second_registration_with_the_same_address_reveals_nothing(client, make_event, mailbox):
    event = make_event()
    first = submit(client, event, email="nadia@example.org")
    first_page = client.get(first.headers["Location"]).get_data(as_text=True)

    response = submit(client, event, email="NADIA@example.org", first_name="Eve")

    assert (response.status_code, response.headers["Location"]) == (first.status_code, first.headers["Location"])
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html == first_page.replace("Nadia", "Eve").replace("nadia@example.org", "NADIA@example.org")
    assert "bereits" not in html and "/registrations/" not in html
    assert len(registrations(event)) == 1 and len(mailbox.to("nadia@example.org")) == 2


def without_form_keys(response) -> str:
    """The page without its forms' one-time keys: the CSRF token carries the second it was made in."""
    return re.sub(r'(name="(?:submission_key|csrf_token)"[^>]*value=)"[^"]*"', r"\1", response.get_data(as_text=True))


@pytest.mark.parametrize(
    "fields, said",
    [
        ({"capacity": 1}, "ausgebucht, deshalb stehen Sie auf der Warteliste"),
        ({"requires_approval": True}, "Die Veranstalter bestätigen jede Anmeldung"),
    ],
)
def test_the_thank_you_page_says_whether_the_person_has_a_place_without_telling_about_an_address(
    client, make_event, fields, said
):
    """It said only "the mail says whether you have a place". An address registered already gets the answer a new
    registration would get now, whatever its own status: the page tells nobody whether it is registered."""
    event = make_event(**fields)
    services.register(
        event.id, applicant(email="erste@example.org"), utcnow(), by=None
    )  # the one place, or awaiting approval
    new = without_form_keys(client.get(submit(client, event, email="neu@example.org").headers["Location"]))
    known = without_form_keys(client.get(submit(client, event, email="erste@example.org").headers["Location"]))
    assert said in new and "Sie haben einen Platz" not in new
    assert known.replace("erste@", "neu@") == new


def test_a_refusal_does_not_tell_whether_the_address_is_registered(client, make_event, make_forums):
    event = make_event()
    full, other = make_forums(event, 1, 10)
    services.register(event.id, applicant(forums=[full.id]), utcnow(), by=None)
    submit(client, event, email="bekannt@example.org", forum_0=str(other.id))

    answers = [
        submit(client, event, email=address, forum_0=str(full.id))
        for address in ("bekannt@example.org", "neu@example.org")
    ]
    assert [response.status_code for response in answers] == [422, 422]
    assert without_form_keys(answers[0]).replace("bekannt@", "neu@") == without_form_keys(answers[1])


def test_a_double_submit_lands_on_the_same_registration(client, make_event, mailbox):
    event = make_event()
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    data = form_data(page)

    first = client.post(f"/events/{event.slug}/register", data=data)
    second = client.post(f"/events/{event.slug}/register", data=data)

    assert first.headers["Location"] == second.headers["Location"]
    assert len(registrations(event)) == 1 and len(mailbox.to("nadia@example.org")) == 1


def test_the_stored_submission_key_cannot_pose_as_the_form(client, make_event):
    """Someone with a copy of the database sends the victim's address and the stored key: no way into the victim's
    page."""
    event = make_event()
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    victim = client.post(f"/events/{event.slug}/register", data=form_data(page))
    [stored] = registrations(event)
    assert stored.submission_key and stored.submission_key not in page

    forged = client.post(
        f"/events/{event.slug}/register",
        data=form_data(client.get(f"/events/{event.slug}/register").get_data(as_text=True))
        | {"submission_key": stored.submission_key},
        follow_redirects=True,
    )
    assert victim.status_code == 303 and "/registrations/" not in forged.get_data(as_text=True)


def manage_url(client, event, **fields) -> str:
    """Register, and return the personal page's address as the mail carries it."""
    assert submit(client, event, **fields).status_code == 303
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id.desc()).limit(1)
    )
    return f"/registrations/{services.link_token(registration)}"


def test_the_personal_page_shows_answers_and_is_private(client, make_event, make_question):
    event = make_event()
    question = make_question(event, label="Barrierefreiheit", kind=QuestionKind.LONG_TEXT)
    url = manage_url(client, event, **{f"question_{question.id}": "Gebärdensprache"})

    response = client.get(url)

    html = response.get_data(as_text=True)
    assert "Barrierefreiheit" in html and "Gebärdensprache" in html and "nadia@example.org" in html
    # Never cached; the link goes to no other site as a referrer ("same-origin" keeps CSRF checks on HTTPS working).
    assert (
        response.headers["Cache-Control"] == "private, no-store"
        and response.headers["Referrer-Policy"] == "same-origin"
    )
    assert client.get("/registrations/" + "0" * 64).status_code == 404
    assert client.get("/registrations/../admin").status_code == 404


def test_changing_the_forum_and_details_through_the_link(client, make_event, make_forums):
    event = make_event()
    first, second = make_forums(event, 10, 10)
    url = manage_url(client, event, forum_0=str(first.id))
    edit_page = client.get(url + "/edit").get_data(as_text=True)
    assert re.search(rf'value="{first.id}"\s+checked', edit_page) and 'value="Nadia"' in edit_page

    response = client.post(url + "/edit", data=form_data(edit_page, forum_0=str(second.id), function="Leitung"))

    assert response.status_code == 303
    [registration] = registrations(event)
    db.session.refresh(registration)
    assert [c.agenda_item_id for c in registration.forum_choices] == [second.id]
    assert registration.function == "Leitung" and registration.email == "nadia@example.org"
    assert "Ihre Änderungen sind gespeichert." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_cancelling_asks_first_and_then_frees_the_seat(client, make_event, mailbox):
    event = make_event(capacity=1)
    url = manage_url(client, event)
    waiting = services.register(event.id, applicant(), utcnow(), by=None).registration

    confirm_page = client.get(url + "/cancel").get_data(as_text=True)
    assert "Möchten Sie Ihre Anmeldung wirklich stornieren" in confirm_page
    assert registrations(event)[0].status == S.CONFIRMED  # looking is not cancelling

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', confirm_page).group(1)
    client.post(url + "/cancel", data={"csrf_token": token})

    db.session.expire_all()
    assert [r.status for r in registrations(event)] == [S.CANCELLED, S.CONFIRMED]
    assert db.session.get(Registration, waiting.id).status == S.CONFIRMED
    assert "Sie haben diese Anmeldung storniert." in client.get(url).get_data(as_text=True)
    assert client.get(url + "/edit").status_code == 303  # no more changes


def test_lost_link_answers_the_same_for_known_and_unknown_addresses(client, make_event, mailbox):
    event = make_event()
    submit(client, event, email="nadia@example.org")

    def ask(address):
        page = client.get(f"/events/{event.slug}/lost-link").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return client.post(f"/events/{event.slug}/lost-link", data={"email": address, "csrf_token": token}).get_data(
            as_text=True
        )

    known, unknown = ask("nadia@example.org"), ask("nobody@example.org")
    strip = lambda html: re.sub(r'value="[^"]+"', "", html)  # only the entered address differs
    assert strip(known).replace("nadia@example.org", "") == strip(unknown).replace("nobody@example.org", "")
    assert len(mailbox.to("nadia@example.org")) == 2 and mailbox.to("nobody@example.org") == []


@pytest.mark.parametrize(
    "mode, public_status, registrant_status",
    [
        (ParticipantListMode.HIDDEN, 404, 404),
        (ParticipantListMode.REGISTERED, 404, 200),
        (ParticipantListMode.PUBLIC, 200, 200),
    ],
)
def test_participant_list_shows_only_consenting_people_to_whom_the_organiser_chose(
    client, make_event, mode, public_status, registrant_status
):
    event = make_event(participant_list_mode=mode)
    url = manage_url(client, event, listed_as_participant="y", last_name="Haddad")
    services.register(event.id, applicant(last_name="Ungenannt", listed_as_participant=False), utcnow(), by=None)

    public = client.get(f"/events/{event.slug}/participants")
    mine = client.get(url + "/participants")

    assert (public.status_code, mine.status_code) == (public_status, registrant_status)
    for response in (public, mine):
        if response.status_code == 200:
            html = response.get_data(as_text=True)
            assert (
                "Nadia Haddad" in html
                and "AFZ Rostock" in html
                and "Ungenannt" not in html
                and "nadia@example.org" not in html
            )


def test_privacy_page_shows_the_event_text_or_a_default(client, make_event):
    own = make_event(privacy_text="Verantwortlich ist das SAZ.")
    assert "Verantwortlich ist das SAZ." in client.get(f"/events/{own.slug}/privacy").get_data(as_text=True)
    default = make_event(contact_email="tagung@example.org")
    assert "tagung@example.org" in client.get(f"/events/{default.slug}/privacy").get_data(as_text=True)


def test_ticket_pdf_carries_name_event_and_check_in_code(client, make_event, tmp_path):
    event = make_event(title="Fachtagung: Anerkennung durch Anerkennung")
    url = manage_url(client, event, first_name="Ольга", last_name="Мельник")
    [registration] = registrations(event)

    response = client.get(url + "/ticket.pdf")

    assert response.mimetype == "application/pdf"
    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(response.data)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "Ольга Мельник" in text and "Fachtagung: Anerkennung durch Anerkennung" in text
    assert registration.check_in_code in text


def test_no_ticket_while_waiting(client, make_event):
    event = make_event(capacity=0)
    url = manage_url(client, event)
    assert client.get(url + "/ticket.pdf").status_code == 404


def test_lost_link_form_explains_a_bad_address(client, make_event, mailbox):
    event = make_event()
    page = client.get(f"/events/{event.slug}/lost-link").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/events/{event.slug}/lost-link", data={"email": "kein-at-zeichen", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert '<label for="email">E-Mail-Adresse</label>' in html
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in html and mailbox.messages == []


def test_control_characters_in_typed_text_are_refused_or_removed_never_a_server_error(
    client, make_event, make_question
):
    event = make_event()
    question = make_question(event, kind=QuestionKind.TEXT)
    response = submit(
        client,
        event,
        first_name="Na\x00dia",
        last_name="Had\u202edad",
        organisation="AFZ\x07 Rostock",
        **{f"question_{question.id}": "a\x00b"},
    )
    assert response.status_code == 303
    [registration] = registrations(event)
    assert (registration.first_name, registration.organisation, registration.answer_to(question)) == (
        "Nadia",
        "AFZ Rostock",
        "ab",
    )
    assert registration.last_name == "Haddad"  # no right-to-left override that shows a name as another


def test_a_name_of_spaces_or_invisible_characters_is_no_name_and_tabs_and_outer_spaces_go(client, make_event, mailbox):
    event = make_event()
    shows_nothing = [
        "   ",
        "\u202e",
        "\u200b\ufeff",
        "\t\r\n",
        "\u200e",
        "\u200d\u200c",
        "\u00ad",
        "\u0301",
        "\u3164",
        "\u2800",
        "\u2063",
        "\u180e",
    ]
    for first_name, last_name in [(name, "Haddad") for name in shows_nothing] + [
        ("Nadia", name) for name in shows_nothing
    ]:
        response = submit(client, event, first_name=first_name, last_name=last_name)
        assert response.status_code == 422, (first_name, last_name)
        html = response.get_data(as_text=True)
        assert "Bitte geben Sie Ihren Vornamen ein." in html or "Bitte geben Sie Ihren Nachnamen ein." in html
    assert registrations(event) == [] and mailbox.messages == []

    assert (
        submit(
            client, event, first_name="  Nadia\tSara ", last_name=" Haddad ", organisation=" AFZ\u200b Rostock "
        ).status_code
        == 303
    )
    assert (
        submit(
            client, event, first_name="\u0645\u0647\u200c\u0633\u0627", last_name="Haddad", email="mehsa@example.org"
        ).status_code
        == 303
    )  # a joiner inside a Persian name stays
    registration, persian = registrations(event)
    assert (registration.first_name, registration.last_name, registration.organisation) == (
        "Nadia Sara",
        "Haddad",
        "AFZ Rostock",
    )
    assert persian.first_name == "\u0645\u0647\u200c\u0633\u0627"
    assert mailbox.messages[0].get_body(("plain",)).get_content().count("Nadia Sara Haddad") >= 1


@pytest.mark.parametrize(
    "typed, stored", [("anna@müller.de", "anna@xn--mller-kva.de"), ("Anna@Example.ORG", "anna@example.org")]
)
def test_addresses_are_stored_as_mail_servers_deliver_them(client, make_event, typed, stored):
    event = make_event()
    assert submit(client, event, email=typed).status_code == 303
    assert db.session.scalar(sa.select(Registration.email)) == stored


def test_umlauts_before_the_at_sign_get_a_message(client, make_event):
    response = submit(client, make_event(), email="jürgen@example.org")
    assert response.status_code == 422 and "ohne Umlaute" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
