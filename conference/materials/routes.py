"""Materials for participants ("Downloads intern"): through the registration link, the partners' link, or public."""

import zipfile
from collections.abc import Iterator

from flask import Blueprint, Response, abort, render_template, request, send_file, stream_with_context
from flask_login import current_user

from conference.accounts.access import Action, may
from conference.events.models import Event
from conference.events.web import public_event_or_404
from conference.materials import services, storage
from conference.materials.models import Material
from conference.registration.web import registration_or_404
from conference.site.lookup import row_of_event_or_404

blueprint = Blueprint("materials", __name__)


def _rules(suffix: str):
    """Three ways in, one view: anonymous (by the event's address), a registrant (by their secret
    link) and a speaker or partner (by the event's partner link)."""

    def decorate(view):
        view = blueprint.get(f"/events/<slug>/materials{suffix}", defaults={"token": None, "partner": None})(view)
        view = blueprint.get(f"/registrations/<token>/materials{suffix}", defaults={"slug": None, "partner": None})(
            view
        )
        return blueprint.get(f"/events/<slug>/partners/<partner>/materials{suffix}", defaults={"token": None})(view)

    return decorate


def event_and_viewer(slug: str | None, token: str | None, partner: str | None) -> tuple[Event, services.Viewer]:
    if token is not None:
        registration = registration_or_404(token)
        event, viewer = registration.event, services.Viewer(registration=registration)
    else:
        event = public_event_or_404(slug or "")
        if partner is not None and not services.is_partner_token(event.id, partner):
            abort(404)
        viewer = services.Viewer(partner=partner is not None)
    if may(current_user, Action.ORGANISE, event):  # check-in helpers see what participants see
        viewer = services.Viewer(registration=viewer.registration, partner=viewer.partner, organiser=True)
    return event, viewer


@blueprint.app_template_global()
def has_materials(event_id: int) -> bool:
    """Whether the event page shows its "internal downloads" section."""
    return bool(services.listed(event_id, services.Viewer()))


@_rules("")
def index(slug: str | None, token: str | None, partner: str | None):
    event, viewer = event_and_viewer(slug, token, partner)
    return render_template(
        "materials/index.html",
        event=event,
        viewer=viewer,
        materials=services.listed(event.id, viewer),
        way_in={"slug": slug, "token": token, "partner": partner},
    )


@_rules("/<int:material_id>")
def download(slug: str | None, token: str | None, partner: str | None, material_id: int):
    event, viewer = event_and_viewer(slug, token, partner)
    found = row_of_event_or_404(Material, material_id, event)
    if not services.may_fetch(found, viewer):
        abort(403)
    path = storage.path_of(found.stored_name)
    if not path.is_file():
        abort(404)
    if request.range is None or request.range.ranges[0][0] == 0:
        services.count_download(found.id)  # a resumed download (a later range) is the same download
    response = send_file(
        path,
        mimetype=storage.served_type(found.content_type),
        as_attachment=True,
        download_name=storage.clean_name(found.original_name),
        conditional=True,
        etag=True,
        last_modified=found.updated_at,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@_rules(".zip")
def archive(slug: str | None, token: str | None, partner: str | None):
    """Every material this visitor may fetch, in one ZIP, written as it is sent."""
    event, viewer = event_and_viewer(slug, token, partner)
    materials = services.fetchable(event.id, viewer)
    if not materials:
        abort(404)
    return Response(
        stream_with_context(_zip(materials)),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-materialien.zip"'},
    )


class _Stream:
    """A write-only file whose written bytes are collected for the response, piece by piece."""

    def __init__(self):
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


def _zip(materials: list[Material]) -> Iterator[bytes]:
    stream = _Stream()
    used: set[str] = set()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
        for material in materials:
            name = storage.clean_name(material.original_name)  # also names stored before they were cleaned
            while name in used:  # two files of the same name: number the later ones
                name = f"{material.id}-{name}"
            used.add(name)
            with (
                archive.open(name, "w", force_zip64=material.size > 2**31) as entry,
                open(storage.path_of(material.stored_name), "rb") as source,
            ):
                while chunk := source.read(storage.CHUNK):
                    entry.write(chunk)
                    yield stream.take()
            yield stream.take()
    yield stream.take()
