"""Every QR code the app prints can be read by a phone: a standard QR code, large enough on paper."""

from datetime import timedelta

import pytest

from conference.database import utcnow
from conference.documents import certificates
from conference.documents.render import render_chunks
from conference.registration import services
from tests.support import log_in
from tests.support.reading import codes_in_pdf


def test_the_ticket_carries_the_check_in_code_at_arm_s_length_size(client, make_event, register_people):
    [person] = register_people(make_event(), 1)
    [[code]] = codes_in_pdf(client.get(f"/registrations/{services.link_token(person)}/ticket.pdf").data)
    assert (code.text, code.standard_qr) == (person.check_in_code, True)
    assert code.width_mm > 30


@pytest.mark.parametrize("size, smallest_mm", [("90x55", 19), ("100x70", 23)])
def test_every_badge_carries_its_own_readable_check_in_code(
    client, make_event, make_user, register_people, size, smallest_mm
):
    event = make_event()
    people = register_people(event, 11)
    log_in(client, make_user(events=[event]))
    pages = codes_in_pdf(client.get(f"/manage/events/{event.id}/documents/badges.pdf?size={size}").data)

    codes = [code for page in pages for code in page]
    assert sorted(code.text for code in codes) == sorted(person.check_in_code for person in people)
    assert all(code.standard_qr and code.width_mm >= smallest_mm for code in codes)


def test_each_certificate_leads_to_its_own_verification_page(client, make_event, register_people):
    start = utcnow() - timedelta(days=2)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=6))
    people = register_people(event, 3, checked_in=True)
    issued = certificates.issue(people, utcnow())
    pdf = render_chunks(
        certificates.chunks(event, people, certificates.issue(people, utcnow())), certificates.metadata(event, people)
    )

    pages = codes_in_pdf(pdf)
    assert [[code.text for code in page] for page in pages] == [
        [f"http://localhost/c/{issued[person.id].number}"] for person in people
    ]
    assert all(code.standard_qr and code.width_mm >= 18 for page in pages for code in page)
    assert client.get(pages[0][0].text.removeprefix("http://localhost")).status_code == 200
