import re

import pytest
from playwright.sync_api import expect

from conference.demo.data import DEMO_ORGANISER
from tests.support.browser import (
    add_hotel_questions,
    log_in_as_demo_organiser,
    open_workspace,
    register,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser


def test_the_demo_organiser_sees_a_new_registration_and_a_door_that_opens_on_the_day(page, live_server, mailbox):
    register(page, live_server, "Marta", "marta.nowak@example.org")
    assert re.search(
        r"Check-in-Code: (\w+)", mailbox.to("marta.nowak@example.org")[0].get_body(("plain",)).get_content()
    )
    page.context.clear_cookies()

    page.goto(live_server + "/")
    page.get_by_role("link", name="Anmeldung für Veranstalter und Check-in-Hilfen").click()
    page.get_by_label("E-Mail-Adresse").fill(DEMO_ORGANISER["email"])
    page.get_by_label("Passwort").fill(DEMO_ORGANISER["password"])
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Verwaltung", level=1)).to_be_visible()
    assert serious_accessibility_violations(page) == []

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_workspace(page, live_server, "Seminar: Schulversagen – Schulerfolg", "Check-in")
    expect(page.get_by_text("Der Check-in öffnet am")).to_be_visible()
    expect(page.get_by_label("Check-in-Code")).to_have_count(0)
    expect(page.locator("#door-lists").get_by_text("Marta Nowak")).to_be_visible()  # expected, not yet admitted
    assert errors == []
    assert serious_accessibility_violations(page) == []
    screenshot(page, "20-check-in-not-yet")

    page.goto(live_server + "/manage/")
    open_workspace(page, live_server, "Seminar: Schulversagen – Schulerfolg", "Anmeldungen")
    row = page.get_by_role("row", name=re.compile("Marta Nowak"))
    expect(row).to_contain_text("Bestätigt")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "21-registrations")


def test_the_demo_organiser_adds_a_good_practice_session_that_appears_on_the_public_agenda(page, live_server):
    log_in_as_demo_organiser(page, live_server)

    open_workspace(page, live_server, "Seminar: Schulversagen – Schulerfolg", "Programm")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Programm bearbeiten")
    expect(page).to_have_title(re.compile(r"^Programm · Seminar: Schulversagen – Schulerfolg · "))
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Programmpunkt hinzufügen").click()
    page.get_by_label("Beginn", exact=True).fill("15:00")
    page.get_by_label("Ende", exact=True).fill("15:15")
    page.get_by_label("Raum oder Strang").fill("Hörsaal")
    page.get_by_label("Art", exact=True).select_option("good_practice")
    page.get_by_label("Titel", exact=True).fill("Mentoring für Auszubildende mit Migrationsgeschichte")
    page.get_by_label("Referierende", exact=True).select_option(label="Jana Hoffmann, INBI gGmbH")
    page.get_by_label("Vorgestellte Organisation (Good Practice)").select_option(label="INBI gGmbH")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "22-agenda-item")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Gespeichert: Mentoring für Auszubildende mit Migrationsgeschichte")).to_be_visible()

    page.get_by_role("link", name="Öffentliches Programm").click()
    session = page.locator(".agenda-item", has_text="Mentoring für Auszubildende mit Migrationsgeschichte")
    expect(session).to_contain_text("Good-Practice-Beispiel")
    expect(session).to_contain_text("Jana Hoffmann")
    expect(session).to_contain_text("INBI gGmbH")
    expect(page.locator(".slot", has=session)).to_contain_text("15.00 – 15.15 Uhr")
    screenshot(page, "23-public-agenda-after-edit")


def test_the_demo_organiser_adds_a_question_asked_only_on_a_condition(page, live_server):
    log_in_as_demo_organiser(page, live_server)

    open_workspace(page, live_server, "Seminar: Schulversagen – Schulerfolg", "Anmeldeformular")
    add_hotel_questions(page, "Hotel am See\nPension Altstadt")
    screenshot(page, "40-registration-form")

    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("link", name="Vorschau des Formulars").click()
    hotel = page.get_by_role("group", name="Welches Hotel?")
    expect(hotel).to_be_hidden()
    page.get_by_role("group", name="Benötigen Sie eine Übernachtung?").get_by_label("Ja").check()
    expect(hotel).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_accessibility_violations(page) == []
    screenshot(page, "41-registration-form-preview-360")
    page.get_by_role("group", name="Benötigen Sie eine Übernachtung?").get_by_label("Nein").check()
    expect(hotel).to_be_hidden()


def test_every_page_of_the_event_workspace_fits_a_phone_and_leads_to_every_other(page, live_server):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, "Seminar: Schulversagen – Schulerfolg")
    navigation = page.get_by_role("navigation", name="Seiten dieser Veranstaltung")
    sections = navigation.get_by_role("link").all_inner_texts()
    assert len(sections) == 15

    too_wide, violations = {}, {}
    for section in sections:
        navigation.get_by_role("link", name=section, exact=True).click()
        expect(navigation.get_by_role("link", name=section, exact=True)).to_have_attribute("aria-current", "page")
        page.wait_for_load_state("load")  # measured with its stylesheet applied, also on a busy machine
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 360:
            too_wide[section] = width
        if found := serious_accessibility_violations(page):
            violations[section] = found
        screenshot(page, f"50-workspace-{section.lower()}-360")
    assert too_wide == {} and violations == {}


def test_every_other_back_office_page_and_the_registrant_s_pages_fit_a_phone(page, live_server, live_app):
    from conference.accounts.models import User, UserRole
    from conference.agenda.models import AgendaItem
    from conference.events.models import Event
    from conference.extensions import db
    from conference.materials.models import Material
    from conference.organisations.models import Organisation
    from conference.people.models import Person
    from conference.registration.models import Question, Registration
    from conference.registration.services import link_token

    with live_app.app_context():
        admin = db.session.scalar(db.select(User).where(User.email == "admin.360@example.org"))
        if admin is None:
            admin = User(email="admin.360@example.org", name="Ada Admin", role=UserRole.ADMINISTRATOR)
            admin.set_password("ein-langes-passwort")
            db.session.add(admin)
            db.session.commit()
        event = db.session.scalar(db.select(Event).where(Event.slug == "schulversagen-schulerfolg"))
        first = lambda model, *where: db.session.scalar(db.select(model).where(*where).limit(1))
        registration = first(Registration, Registration.event_id == event.id) or first(Registration)
        base, token = f"/manage/events/{event.id}", link_token(registration)
        own = f"/manage/events/{registration.event_id}/registrations"
        item = first(AgendaItem, AgendaItem.event_id == event.id)
        question = first(Question, Question.event_id == event.id)
        material = first(Material, Material.event_id == event.id)
        organisation, person = first(Organisation), first(Person)
        paths = [
            "/manage/",
            "/manage/accounts/",
            f"/manage/accounts/{admin.id}",
            "/manage/accounts/me/two-factor",
            "/manage/accounts/new",
            "/manage/log",
            "/manage/organisations/",
            f"/manage/organisations/{organisation.id}",
            f"/manage/organisations/{organisation.id}/merge",
            "/manage/organisations/new",
            "/manage/people/",
            f"/manage/people/{person.id}",
            "/manage/people/new",
            "/manage/events/new",
            f"{base}/agenda/{item.id}",
            f"{base}/agenda/{item.id}/delete",
            f"{base}/agenda/new",
            f"{base}/duplicate",
            f"{base}/status/unpublish",
            f"{own}/{registration.id}",
            f"{own}/{registration.id}/cancel",
            f"{base}/log",
            f"{base}/registrations/new",
            f"{base}/registrations/form/{question.id}",
            f"{base}/registrations/form/{question.id}/remove",
            f"{base}/registrations/form/new",
            f"{base}/registrations/form/preview",
            f"{base}/registrations/mail-texts/",
            f"{base}/registrations/mail-texts/confirmed",
            f"/registrations/{token}",
            f"/registrations/{token}/edit",
            f"/registrations/{token}/cancel",
            f"/registrations/{token}/delete",
            f"/registrations/{token}/materials",
        ] + ([f"{base}/materials/{material.id}", f"{base}/materials/{material.id}/delete"] if material else [])

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server + "/login")
    page.get_by_label("E-Mail-Adresse").fill("admin.360@example.org")
    page.get_by_label("Passwort").fill("ein-langes-passwort")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Verwaltung", level=1)).to_be_visible()
    too_wide, violations, failed = {}, {}, {}
    for path in paths:
        response = page.goto(live_server + path)
        if response.status != 200:
            failed[path] = response.status
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 360:
            too_wide[path] = width
            screenshot(page, f"55-too-wide-{len(too_wide)}")
        if found := serious_accessibility_violations(page):
            violations[path] = found
    assert (failed, too_wide, violations) == ({}, {}, {})


def test_a_very_long_name_wraps_and_leaves_every_column_and_action_on_the_screen(page, live_server):
    register(page, live_server, "Kurz", "kurz@example.org")
    register(page, live_server, "Lang", "lang@example.org", last_name="Z" * 100)
    page.context.clear_cookies()
    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, "Seminar: Schulversagen – Schulerfolg", "Anmeldungen")

    row = page.get_by_role("row", name=re.compile("Z{100}"))
    box = row.get_by_role("link", name=re.compile("^Stornieren")).bounding_box()
    assert box["x"] + box["width"] <= 1280 and page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "22-registrations-long-name")
    ordinary = page.get_by_role("row", name=re.compile("Kurz Nowak")).locator("td").first
    assert "unbroken" not in (ordinary.get_attribute("class") or "")  # ordinary names and addresses keep whole words

    page.set_viewport_size({"width": 360, "height": 800})  # on a phone the table scrolls in its box, the name wraps
    assert row.locator("td").first.bounding_box()["width"] < 360
    screenshot(page, "22-registrations-long-name-360")
