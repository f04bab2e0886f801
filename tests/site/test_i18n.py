import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "conference" / "translations"


def switch_language(client, locale: str, next_url: str = "/"):
    return client.get("/language/" + locale, query_string={"next": next_url})


def test_pages_are_german_by_default_and_set_no_cookie(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en"})
    html = response.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Kommende Veranstaltungen" in html
    assert 'href="/language/en?next=/" lang="en" hreflang="en" rel="nofollow">English</a>' in html
    assert "Set-Cookie" not in response.headers


def test_switching_to_english_and_back_keeps_the_visitor_on_the_page(client, make_event):
    event = make_event()

    response = switch_language(client, "en", f"/events/{event.slug}")

    assert response.status_code == 303 and response.headers["Location"] == f"/events/{event.slug}"
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert '<html lang="en">' in html and "About the event" in html and "Register now" in html
    # The event's own German texts stay marked as German for screen readers.
    assert f'lang="{event.language}"' in html

    switch_language(client, "de", "/")
    assert "Kommende Veranstaltungen" in client.get("/").get_data(as_text=True)


def test_english_dates_and_times_are_british(client, make_event, mailbox):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from conference.database import utcnow
    from conference.registration import services
    from tests.support import applicant

    berlin = ZoneInfo("Europe/Berlin")
    event = make_event(
        starts_at=datetime(2011, 9, 29, 9, 30, tzinfo=berlin), ends_at=datetime(2011, 9, 29, 16, 0, tzinfo=berlin)
    )
    switch_language(client, "en")
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Thursday, 29 September 2011" in html and "09:30 – 16:00" in html and "AM" not in html
    assert 'lang="en"' in html and "en_GB" not in html  # the page's language stays "en"

    registration = services.register(event.id, applicant(locale="en"), utcnow(), by=None).registration
    assert registration.locale == "en"
    mail = mailbox.to(registration.email)[0].get_body(("plain",)).get_content()
    assert "29 September 2011" in mail and "09:30 – 16:00" in mail


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "",
        "////evil.example",
        "///evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        " //evil.example",
    ],
)
def test_language_switch_never_redirects_off_site(client, target):
    response = switch_language(client, "en", target)
    assert response.status_code == 400 or response.headers["Location"] == "/"  # control characters: no address at all


def test_language_switch_keeps_the_query_of_the_page(client):
    assert switch_language(client, "en", "/?organisation=nq-netz-mv").headers["Location"] == "/?organisation=nq-netz-mv"


def test_unknown_languages_are_refused(client):
    assert switch_language(client, "xx").status_code == 404
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)


def test_german_catalogue_translates_every_message():
    with (
        (TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po").open("rb") as po,
        (TRANSLATIONS / "messages.pot").open("rb") as pot,
    ):
        catalogue, template = read_po(po), read_po(pot)
    untranslated = [message.id for message in catalogue if message.id and (not message.string or message.fuzzy)]
    missing = [
        message.id for message in template if message.id and catalogue.get(message.id, context=message.context) is None
    ]
    assert untranslated == [] and missing == []


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """A string added to the code but never extracted would show in English on German pages."""
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "--no-location",
            "--ignore-dirs=.* node_modules",
            "-o",
            str(extracted),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with extracted.open("rb") as pot, (TRANSLATIONS / "messages.pot").open("rb") as kept:
        assert sorted(str(m.id) for m in read_po(pot) if m.id) == sorted(str(m.id) for m in read_po(kept) if m.id)
