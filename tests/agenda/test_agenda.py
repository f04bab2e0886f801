from conference.agenda.models import AgendaItemKind
from conference.agenda.services import good_practice_items, people_of, time_slots
from conference.events.models import EventStatus
from conference.organisations.models import OrganisationKind


def test_items_starting_together_form_one_parallel_slot_in_room_order(make_event, make_agenda_item):
    event = make_event()
    make_agenda_item(event, 0, 30, title="Begrüßung")
    forum_b = make_agenda_item(event, 30, 90, title="Forum B", room="Raum B", kind=AgendaItemKind.FORUM)
    forum_a = make_agenda_item(event, 30, 60, title="Forum A", room="Raum A", kind=AgendaItemKind.FORUM)
    forum_b.room.position, forum_a.room.position = 2, 1
    make_agenda_item(event, 120, 15, title="Abschluss")

    slots = time_slots(event.agenda_items)

    assert [[item.title for item in slot.items] for slot in slots] == [
        ["Begrüßung"],
        ["Forum A", "Forum B"],
        ["Abschluss"],
    ]
    assert [slot.is_parallel for slot in slots] == [False, True, False]
    assert slots[1].ends_at == forum_b.ends_at  # the slot lasts as long as its longest forum


def test_good_practice_items_and_people_are_picked_from_the_agenda(make_event, make_agenda_item, make_person):
    event = make_event()
    first, second = make_person(name="Erste"), make_person(name="Zweite")
    make_agenda_item(event, 0, title="Vortrag", speakers=[second])
    example = make_agenda_item(
        event, 30, title="Praxis", kind=AgendaItemKind.GOOD_PRACTICE, speakers=[first], moderators=[second]
    )

    assert good_practice_items(event.agenda_items) == [example]
    assert [person.name for person in people_of(event.agenda_items)] == ["Zweite", "Erste"]


def test_agenda_page_shows_slots_forums_side_by_side_breaks_and_speakers(
    client, make_event, make_agenda_item, make_person, make_organisation
):
    ifdm = make_organisation(name="Integrationsfachdienst Migration MV")
    speaker = make_person(name="Leitung IFDM", academic_title="Dr.", function="Leitung", organisation=ifdm)
    event = make_event()
    make_agenda_item(event, 0, 45, title="Fachkräftebedarf in MV", kind=AgendaItemKind.KEYNOTE, speakers=[speaker])
    make_agenda_item(event, 45, 15, title="Kaffeepause", kind=AgendaItemKind.BREAK)
    make_agenda_item(event, 60, 60, title="Forum 1: Anerkennung", room="Seminarraum A", kind=AgendaItemKind.FORUM)
    make_agenda_item(event, 60, 60, title="Forum 2: Willkommenskultur", room="Seminarraum B", kind=AgendaItemKind.FORUM)

    html = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)

    assert (
        html.index("Fachkräftebedarf in MV") < html.index("Kaffeepause") < html.index("Forum 1") < html.index("Forum 2")
    )
    assert "2 Foren parallel" in html
    assert 'class="forums"' in html and "Seminarraum A" in html and "Seminarraum B" in html
    assert "slot--pause" in html
    assert f'href="/speakers/{speaker.id}">Dr. Leitung IFDM</a>, Leitung, Integrationsfachdienst Migration MV' in html
    assert 'media="print"' in html  # the printable agenda


def test_agenda_page_of_an_event_without_agenda_says_so(client, make_event):
    event = make_event()
    assert "Das Programm wurde noch nicht veröffentlicht." in client.get(f"/events/{event.slug}/agenda").get_data(
        as_text=True
    )


def test_good_practice_page_names_project_and_organisation(client, make_event, make_agenda_item, make_organisation):
    centre = make_organisation(name="Schweriner Ausbildungszentrum e.V.")
    project = make_organisation(name="amoN", kind=OrganisationKind.PROJECT, parent=centre)
    event = make_event()
    make_agenda_item(
        event,
        0,
        title="Nachqualifizierung mit Anerkennung",
        kind=AgendaItemKind.GOOD_PRACTICE,
        project_name="amoN",
        presenting_organisation=project,
    )
    inbi = make_organisation(name="INBI gGmbH")
    make_agenda_item(
        event,
        30,
        title="Ganztagsschule",
        kind=AgendaItemKind.GOOD_PRACTICE,
        project_name="Modellprojekt Mainz",
        presenting_organisation=inbi,
    )
    make_agenda_item(event, 60, title="Ein Vortrag")

    html = client.get(f"/events/{event.slug}/good-practice").get_data(as_text=True)

    assert "Nachqualifizierung mit Anerkennung" in html and "Ganztagsschule" in html and "Ein Vortrag" not in html
    # A project that is itself the organisation is named once, with the organisation running it.
    assert (
        f'<p class="agenda-item__presenting"><a href="/organisations/{project.slug}">amoN</a> '
        "(Schweriner Ausbildungszentrum e.V.)" in html
    )
    assert f'Modellprojekt Mainz, <a href="/organisations/{inbi.slug}">INBI gGmbH</a>' in html


def test_speakers_page_lists_everyone_once(client, make_event, make_agenda_item, make_person):
    event = make_event()
    person = make_person(name="Projektleitung moNa", function="Projektleitung")
    make_agenda_item(event, 0, speakers=[person])
    make_agenda_item(event, 30, moderators=[person])

    html = client.get(f"/events/{event.slug}/speakers").get_data(as_text=True)

    assert html.count(">Projektleitung moNa</a>") == 1


def test_speaker_page_shows_biography_and_public_appearances_only(client, make_event, make_agenda_item, make_person):
    person = make_person(name="Projektleitung anna", biography="Leitet das Projekt anna in Greifswald.")
    public = make_event(title="Öffentliche Tagung")
    draft = make_event(title="Geheime Planung", status=EventStatus.DRAFT)
    make_agenda_item(public, 0, title="Willkommenskultur", speakers=[person])
    make_agenda_item(draft, 0, title="Interna", speakers=[person])

    html = client.get(f"/speakers/{person.id}").get_data(as_text=True)

    assert "Leitet das Projekt anna in Greifswald." in html
    assert "Willkommenskultur" in html and "Öffentliche Tagung" in html
    assert "Interna" not in html and "Geheime Planung" not in html


def test_people_only_on_drafts_or_nowhere_have_no_public_page(client, make_event, make_agenda_item, make_person):
    hidden = make_person()
    make_agenda_item(make_event(status=EventStatus.DRAFT), 0, speakers=[hidden])
    assert client.get(f"/speakers/{hidden.id}").status_code == 404
    assert client.get(f"/speakers/{make_person().id}").status_code == 404
    assert client.get("/speakers/999999").status_code == 404
