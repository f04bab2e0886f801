"""Group registration: a registrant registers colleagues with them, each a registration of their own."""

import csv
import io
import re

import sqlalchemy as sa

from conference.database import utcnow
from conference.extensions import db
from conference.privacy import services as privacy
from conference.registration.models import Registration
from conference.registration.models import RegistrationStatus as S
from tests.support import log_in
from tests.support.reading import codes_in
from tests.support.registration import form_data, registrations, submit

LINK = re.compile(r"http://localhost(/registrations/[0-9a-f]{64})")


def colleague(index: int, first_name: str, email: str = "", **fields) -> dict:
    return {
        f"colleagues-{index}-first_name": first_name,
        f"colleagues-{index}-last_name": "Kowalski",
        f"colleagues-{index}-email": email,
        f"colleagues-{index}-organisation": "AFZ Rostock",
    } | {f"colleagues-{index}-{name}": value for name, value in fields.items()}


def three_colleagues() -> dict:
    return (
        colleague(0, "Jan", "jan@example.org")
        | colleague(1, "Olga", "olga@example.org")
        | colleague(2, "Piotr", "piotr@example.org")
        | {"colleagues_agree": "y"}
    )


def link_in(message) -> str:
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def test_add_a_person_shows_their_part_with_the_registrants_organisation_and_keeps_what_was_typed(client, make_event):
    event = make_event()
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Weitere Person anmelden" in page and "colleagues-0-first_name" not in page

    added = client.post(
        f"/events/{event.slug}/register", data=form_data(page, add_colleague="1", first_name="Nadia", privacy="")
    )

    html = added.get_data(as_text=True)
    assert added.status_code == 200 and "error-summary" not in html  # not checked yet: nothing was sent
    assert "<legend>Person 2</legend>" in html and 'value="Nadia"' in html
    assert re.search(r'name="colleagues-0-organisation"[^>]*value="AFZ Rostock"', html)
    assert re.search(r'<input[^>]*autofocus[^>]*name="colleagues-0-first_name"', html)
    # Enter in a field sends the form with its first button, which registers (not "add" or "remove").
    assert html.index('class="sr-only" tabindex="-1"') < html.index('name="add_colleague"')

    data = form_data(html) | colleague(0, "Jan") | colleague(1, "Olga") | {"remove_colleague": "0"}
    removed = client.post(f"/events/{event.slug}/register", data=data).get_data(as_text=True)
    assert 'value="Olga"' in removed and 'value="Jan"' not in removed and "Person 3" not in removed
    assert registrations(event) == []


def test_a_group_larger_than_the_free_seats_is_asked_then_split_and_each_mailed_their_own_link_and_code(
    client, make_event, mailbox
):
    event = make_event(capacity=3)

    asked = submit(client, event, **three_colleagues())

    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and registrations(event) == []  # nothing stored while the choice is open
    assert "Für Ihre 4 Personen sind nur noch 3 Plätze frei" in html
    assert (
        "Jetzt anmelden, wer noch Platz hat" in html
        and "Alle auf die Warteliste; frei werdende Plätze gehen dann einzeln" in html
    )

    done = client.post(
        f"/events/{event.slug}/register", data=form_data(html, **three_colleagues(), if_group_does_not_fit="split")
    )

    assert done.status_code == 303
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Jan Kowalski: hat einen Platz" in thanks and "Piotr Kowalski: auf der Warteliste" in thanks
    people = {person.first_name: person for person in registrations(event)}
    assert {name: person.status for name, person in people.items()} == {
        "Nadia": S.CONFIRMED,
        "Jan": S.CONFIRMED,
        "Olga": S.CONFIRMED,
        "Piotr": S.WAITLISTED,
    }
    leader = people["Nadia"]
    assert all(people[name].registered_by_id == leader.id for name in ("Jan", "Olga", "Piotr"))
    leader_mail = mailbox.to("nadia@example.org")[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Mit Ihnen angemeldet:\n- Jan Kowalski (Bestätigt)" in leader_mail
    assert "- Piotr Kowalski (Auf der Warteliste)" in leader_mail

    links = set()
    for name in ("Jan", "Olga"):
        [message] = mailbox.to(f"{name.lower()}@example.org")
        text = message.get_body(("plain",)).get_content()
        assert (
            "Nadia Haddad hat Sie zu dieser Veranstaltung angemeldet und kann Ihre Anmeldung ebenfalls ändern oder "
            "stornieren." in text
        )
        png = next(part for part in message.walk() if part.get_content_type() == "image/png")
        [code] = codes_in(png.get_content())
        assert code.text == people[name].check_in_code and code.standard_qr
        links.add(link_in(message))
        page = client.get(link_in(message)).get_data(as_text=True)
        assert f"{name} Kowalski" in page and "Angemeldet von" in page and "Nadia Haddad" in page
        assert "Weitere Person anmelden" not in page  # a colleague manages only themselves
    [waiting] = mailbox.to("piotr@example.org")
    assert "Warteliste" in waiting["Subject"] and "Check-in-Code" not in waiting.get_body(("plain",)).get_content()
    assert len(links) == 2


def test_a_group_can_all_wait_together_and_a_full_event_puts_it_on_the_list_without_asking(client, make_event):
    event = make_event(capacity=2)
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    data = form_data(page, **three_colleagues(), if_group_does_not_fit="wait")

    assert client.post(f"/events/{event.slug}/register", data=data).status_code == 303
    assert {person.status for person in registrations(event)} == {S.WAITLISTED}

    full = make_event(capacity=0)
    assert submit(client, full, **three_colleagues()).status_code == 303
    assert {person.status for person in registrations(full)} == {S.WAITLISTED}


def test_addresses_twice_or_registered_already_and_groups_beyond_the_limit_are_refused_with_nothing_stored(
    client, make_event
):
    event = make_event(group_size_limit=3)
    submit(client, event, email="olga@example.org", first_name="Olga")
    before = len(registrations(event))

    cases = [
        (colleague(0, "Jan", "NADIA@example.org"), "colleagues-0-email", "steht zweimal im Formular"),
        (colleague(0, "Jan", "jan@example.org") | colleague(1, "Jo", "jan@example.org"), "colleagues-1-email", ""),
        (colleague(0, "A") | colleague(1, "B") | colleague(2, "C"), None, "höchstens 3 Personen auf einmal"),
        (colleague(0, "Jan", "jan@example.org") | {"colleagues_agree": ""}, "colleagues_agree", "einverstanden"),
        (colleague(0, "", "jan@example.org"), "colleagues-0-first_name", "Vornamen"),
    ]
    for fields, field, message in cases:
        response = submit(client, event, **({"colleagues_agree": "y"} | fields))
        html = response.get_data(as_text=True)
        assert response.status_code == 422, fields
        assert message in html, fields
        if field:
            assert f'id="{field}-error"' in html and f'href="#{field}"' in html, fields
    assert len(registrations(event)) == before

    single = make_event(group_size_limit=1)
    assert "Weitere Person anmelden" not in client.get(f"/events/{single.slug}/register").get_data(as_text=True)
    assert submit(client, single, **colleague(0, "Jan"), colleagues_agree="y").status_code == 303
    assert [person.first_name for person in registrations(single)] == ["Nadia"]  # a part the event has no field for


def test_a_colleagues_forum_counts_the_seats_taken_by_the_group_before_them(client, make_event, make_forums):
    event = make_event()
    small, large = make_forums(event, 1, 10)

    response = submit(
        client, event, forum_0=str(small.id), **colleague(0, "Jan", **{"forum_0": str(small.id)}), colleagues_agree="y"
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="colleagues-0-forum_0-error"' in html
    assert "Person 2: Forum" in html  # the summary says whose field it is
    assert registrations(event) == []
    assert (
        submit(
            client,
            event,
            forum_0=str(small.id),
            **colleague(0, "Jan", **{"forum_0": str(large.id)}),
            colleagues_agree="y",
        ).status_code
        == 303
    )


def test_the_same_group_sent_again_registers_nobody_twice_and_the_mail_says_so(client, make_event, mailbox):
    event = make_event()
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    data = form_data(page, **three_colleagues())
    first = client.post(f"/events/{event.slug}/register", data=data)
    double_click = client.post(f"/events/{event.slug}/register", data=data)
    assert first.status_code == double_click.status_code == 303
    assert "Olga Kowalski: hat einen Platz" in client.get(double_click.headers["Location"]).get_data(as_text=True)
    mailbox.messages.clear()

    again = submit(client, event, **three_colleagues())  # the same people, from a new form

    assert again.status_code == 303
    thanks = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Olga Kowalski: hat einen Platz" in thanks  # as for a new registrant: the page tells nobody which it was
    assert len(registrations(event)) == 4
    [message] = mailbox.to("nadia@example.org")
    assert (
        "wurden die weiteren Personen aus Ihrem Formular nicht mit angemeldet"
        in message.get_body(("plain",)).get_content()
    )
    assert mailbox.to("jan@example.org") == []


def test_a_colleague_registered_already_is_not_told_apart_but_gets_their_own_link_again(client, make_event, mailbox):
    """The form must not tell a stranger which addresses are registered: the thanks read the same, and only the
    address's owner learns, by mail, that the registration they have stands."""
    event = make_event()
    submit(client, event, first_name="Olga", email="olga@example.org")
    mailbox.messages.clear()

    response = submit(client, event, **colleague(0, "Olga", "olga@example.org"), colleagues_agree="y")

    assert response.status_code == 303
    assert "Olga Kowalski: hat einen Platz" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [person.first_name for person in registrations(event)] == ["Olga", "Nadia"]
    [link_again] = mailbox.to("olga@example.org")
    assert "bereits angemeldet" in link_again.get_body(("plain",)).get_content()


def test_the_registrant_sees_their_group_opens_each_registration_and_adds_one_more(client, make_event, mailbox):
    event = make_event(group_size_limit=3)
    submit(client, event, **colleague(0, "Jan", "jan@example.org"), **colleague(1, "Olga"), colleagues_agree="y")
    own = link_in(mailbox.to("nadia@example.org")[0])

    page = client.get(own).get_data(as_text=True)

    assert "Ihre Gruppe" in page and "Jan Kowalski" in page and "Olga Kowalski" in page
    olga = db.session.scalar(sa.select(Registration).where(Registration.first_name == "Olga"))
    assert olga.email is None
    olga_page = re.search(r'<a href="(/registrations/[0-9a-f]{64})">Olga Kowalski</a>', page).group(1)
    shown = client.get(olga_page).get_data(as_text=True)
    assert olga.check_in_code in shown  # her ticket, which only the registrant can pass on
    assert "Weitere Person anmelden" not in page  # the group is at the event's limit of 3
    assert client.get(f"{own}/group/add").status_code == 303

    client.post(f"{olga_page}/cancel", data={"csrf_token": _token(client, f"{olga_page}/cancel")})
    page = client.get(own).get_data(as_text=True)
    assert "Olga Kowalski" not in page and "Weitere Person anmelden" in page

    form = client.get(f"{own}/group/add").get_data(as_text=True)
    refused = client.post(
        f"{own}/group/add",
        data={"csrf_token": _token(client, f"{own}/group/add"), **colleague(0, "Jo", "jan@example.org")},
    )
    assert refused.status_code == 422 and "einverstanden" in refused.get_data(as_text=True)
    assert "Person 3" in form
    added = client.post(
        f"{own}/group/add",
        data={
            "csrf_token": _token(client, f"{own}/group/add"),
            **colleague(0, "Paula", "paula@example.org"),
            "colleagues_agree": "y",
        },
    )
    assert added.status_code == 303
    assert "Paula Kowalski" in client.get(own).get_data(as_text=True)
    [paula_mail] = mailbox.to("paula@example.org")
    assert "Nadia Haddad hat Sie" in paula_mail.get_body(("plain",)).get_content()


def _token(client, path: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_organisers_see_groups_in_the_list_and_the_export_and_set_the_limit(client, make_event, make_user):
    event = make_event()
    submit(client, event, **colleague(0, "Jan", "jan@example.org"), colleagues_agree="y")
    submit(client, event, first_name="Eva", email="eva@example.org")
    log_in(client, make_user(events=[event]))

    listing = client.get(f"/manage/events/{event.id}/registrations/").get_data(as_text=True)
    assert listing.count("Angemeldet von Nadia Haddad") == 1

    table = list(
        csv.reader(
            io.StringIO(client.get(f"/manage/events/{event.id}/registrations/export.csv").data.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    column = table[0].index("Gruppe (angemeldet von)")
    assert {row[1]: row[column] for row in table[1:]} == {"Nadia": "Nadia Haddad", "Jan": "Nadia Haddad", "Eva": ""}

    settings = client.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    assert "Personen je Anmeldung" in settings and 'name="group_size_limit"' in settings


def test_deleting_the_registrants_data_leaves_the_colleagues_registrations_without_their_name(
    client, make_event, mailbox
):
    event = make_event()
    submit(client, event, **colleague(0, "Jan", "jan@example.org"), colleagues_agree="y")
    leader = next(person for person in registrations(event) if person.first_name == "Nadia")

    privacy.delete_on_request(leader.id, utcnow(), by=None, by_registrant=True)

    jan_page = client.get(link_in(mailbox.to("jan@example.org")[0])).get_data(as_text=True)
    assert "Jan Kowalski" in jan_page and "Nadia" not in jan_page and "Angemeldet von" not in jan_page


def test_the_registrant_changes_and_cancels_a_colleague_with_an_address_but_never_opens_their_page(
    client, make_event, mailbox
):
    event = make_event()
    submit(client, event, **colleague(0, "Jan", "jan@example.org"), colleagues_agree="y")
    own = link_in(mailbox.to("nadia@example.org")[0])
    jan = next(person for person in registrations(event) if person.first_name == "Jan")
    page = client.get(own).get_data(as_text=True)
    assert link_in(mailbox.to("jan@example.org")[0]) not in page  # his page, data and deletion stay his
    assert 'name="listed_as_participant"' not in client.get(f"{own}/group/{jan.id}/edit").get_data(as_text=True)

    edit = f"{own}/group/{jan.id}/edit"
    changed = client.post(
        edit,
        data={"csrf_token": _token(client, edit), "first_name": "Jan", "last_name": "Nowak", "organisation": "IHK"},
    )
    assert changed.status_code == 303
    db.session.refresh(jan)
    assert (jan.last_name, jan.organisation) == ("Nowak", "IHK")

    submit(client, event, first_name="Eva", email="eva@example.org")
    stranger = link_in(mailbox.to("eva@example.org")[0])
    assert client.get(f"{stranger}/group/{jan.id}/edit").status_code == 404  # only who registered him
    assert client.get(f"{stranger}/group/{jan.id}/cancel").status_code == 404

    cancel = f"{own}/group/{jan.id}/cancel"
    assert "Jan Nowak wird per E-Mail benachrichtigt" in client.get(cancel).get_data(as_text=True)
    assert client.post(cancel, data={"csrf_token": _token(client, cancel)}).status_code == 303
    db.session.refresh(jan)
    assert jan.status == S.CANCELLED and "Jan Nowak" not in client.get(own).get_data(as_text=True)


def test_the_registrant_is_told_when_a_colleague_without_an_address_moves_up(client, make_event, mailbox):
    event = make_event(capacity=1)
    submit(client, event, **colleague(0, "Dora"), colleagues_agree="y", if_group_does_not_fit="split")  # she waits
    own = link_in(mailbox.to("nadia@example.org")[0])
    mailbox.messages.clear()

    client.post(f"{own}/cancel", data={"csrf_token": _token(client, f"{own}/cancel")})  # Nadia's seat goes to Dora

    dora = next(person for person in registrations(event) if person.first_name == "Dora")
    assert dora.status == S.CONFIRMED
    about_dora = [
        message
        for message in mailbox.to("nadia@example.org")
        if "weil Sie Dora Kowalski angemeldet haben" in message.get_body(("plain",)).get_content()
    ]
    assert len(about_dora) == 1 and "text/calendar" not in {part.get_content_type() for part in about_dora[0].walk()}


def test_adding_and_removing_people_is_not_counted_as_registering_and_forged_buttons_register_nobody(
    client, make_event
):
    event = make_event(group_size_limit=50)
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    for press in range(40):  # more than the 30 registrations an address may send in 10 minutes
        typed = {key: value for index in range(press) for key, value in colleague(index, f"P{index}").items()}
        sent = form_data(page, **typed, add_colleague="1")
        page = client.post(f"/events/{event.slug}/register", data=sent).get_data(as_text=True)
    assert "Person 41" in page and 'value="P38"' in page

    for forged in ("²", "٣", "99", "-1", "x" * 5000):
        response = client.post(f"/events/{event.slug}/register", data=form_data(page, remove_colleague=forged))
        assert response.status_code == 200, forged  # shown again, no person removed, nobody registered
    single = make_event(group_size_limit=1)
    sneaked = submit(client, single, add_colleague="1")
    assert sneaked.status_code == 200 and registrations(single) == registrations(event) == []
