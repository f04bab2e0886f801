"""Every URL rule of the app: management pages only for the right people, never for anyone else."""

import re
from datetime import timedelta

import pytest

from conference.accounts.models import UserRole
from conference.events.models import PartnerRole
from conference.database import utcnow
from conference.documents import jobs
from conference.documents.models import DocumentJob
from conference.extensions import db
from conference.materials.models import Material
from conference.materials.storage import folder as material_folder
from conference.registration import services
from tests.conftest import applicant, check_in, log_in

# Pages anyone may open; everything else must be a management page under /manage or the
# registrant's own pages behind the secret link.
PUBLIC = {
    "static", "events.home", "events.detail", "events.event_calendar", "events.feed", "agenda.agenda",
    "agenda.good_practice", "agenda.speakers", "people.speaker", "organisations.index", "organisations.detail",
    "site.switch_language", "site.health", "registration.register", "registration.lost_link", "registration.privacy",
    "registration.participants", "accounts.login", "accounts.logout", "accounts.forgot_password",
    "accounts.reset_password", "organisations_manage.logo", "agenda.programme", "documents.verify",
    # Materials check per file who may fetch it (tests/materials); their pages are public or behind a secret link.
    "materials.index", "materials.download", "materials.archive",
}
BEHIND_SECRET_LINK = {"registration.manage", "registration.edit", "registration.cancel", "registration.ticket",
                      "registration.participants_for_registrant", "registration.certificate",
                      "privacy.my_data", "privacy.delete"}


@pytest.fixture
def url_values(app, make_event, make_agenda_item, make_person, make_organisation):
    yesterday = utcnow() - timedelta(days=1)  # over, so that every document (certificates too) can be made
    event = make_event(partners=[(PartnerRole.FUNDER, make_organisation())], starts_at=yesterday,
                       ends_at=yesterday + timedelta(hours=6))
    registration = services.register(event.id, applicant(), utcnow(), by_organiser=True).registration
    item = make_agenda_item(event, room="Saal")
    check_in(registration)
    (jobs.folder() / "result.pdf").write_bytes(b"%PDF-1.7")
    job = DocumentJob(event_id=event.id, kind="certificates.pdf", status="done", stored_name="result.pdf")
    db.session.add(job)
    (material_folder() / "material").write_bytes(b"%PDF-1.7")
    material = Material(event_id=event.id, title="Folien", stored_name="material", original_name="f.pdf",
                        content_type="application/pdf", size=8)
    db.session.add(material)
    db.session.commit()
    values = {"event_id": event.id, "registration_id": registration.id, "action": "cancel", "item_id": item.id,
              "format": "csv", "person_id": make_person().id, "organisation_id": make_organisation().id,
              "partner_id": event.partners[0].id, "room_id": item.room.id, "user_id": 1, "assignment_id": 1,
              "job_id": job.id, "name": "programme",
              "material_id": material.id, "slug": event.slug, "token": "not-a-real-token", "number": "ABCDEF123456", "task_id": 1}
    return event, values


def path_of(rule, values: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda match: str(values[match.group(1)]), rule.rule)


@pytest.fixture
def protected(app, url_values):
    event, values = url_values
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC | BEHIND_SECRET_LINK:
            continue
        assert rule.rule.startswith("/manage/"), f"{rule.endpoint} is neither public nor a management page"
        urls.extend((method, path_of(rule, values), "<int:event_id>" in rule.rule)
                    for method in rule.methods - {"HEAD", "OPTIONS"})
    assert urls, "the sweep found no management page"
    return event, urls


def test_every_state_changing_request_without_a_csrf_token_is_refused(app, client, url_values, make_user):
    """Public forms, the registrant's own forms and management forms alike, logged in or not."""
    _event, values = url_values
    posts = [path_of(rule, values) for rule in app.url_map.iter_rules() if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(posts) >= 36, "the walk missed forms"
    for logged_in in (False, True):
        if logged_in:
            log_in(client, make_user(role=UserRole.ADMINISTRATOR))
        for path in posts:
            response = client.post(path, data={"title": "x", "email": "x@example.org"})
            assert response.status_code == 400, path
            assert "Das Formular war abgelaufen" in response.get_data(as_text=True), path


def test_anonymous_visitors_are_sent_to_login(client, protected):
    _event, urls = protected
    for method, path, _scoped in urls:
        response = client.open(path, method=method)
        assert response.status_code in (302, 400), (method, path)  # POST without a token stops at CSRF first
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), (method, path)


def test_organisers_of_another_event_are_refused(client, protected, make_event, make_user):
    event, urls = protected
    log_in(client, make_user(events=[make_event()]))
    from tests.conftest import form_token

    token = form_token(client, "/manage/")
    for method, path, scoped in urls:
        if not scoped:
            continue  # their own start page, a new event of their own
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, path)


def test_administrators_may_open_every_management_page(client, protected, make_user):
    _event, urls = protected
    log_in(client, make_user(role=UserRole.ADMINISTRATOR))
    for method, path, _scoped in urls:
        if method == "GET":
            with client.get(path) as response:
                assert response.status_code == 200, path
