"""The rules of the organisations list: saving one with its logo."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlsplit

import idna
import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import write_transaction
from conference.extensions import db
from conference.organisations import logos, signals
from conference.organisations.models import Organisation, OrganisationKind
from conference.rules import Refusal
from conference.site.collation import sort_key
from conference.site.urls import slugify


def in_name_order(query: sa.Select[Organisation] | None = None) -> list[Organisation]:
    """All organisations, or those ``query`` selects, in the order German readers expect ("Öffentliche …" with
    the O, not after "Z" as the database's byte order would put it; site/collation.py)."""
    found = db.session.scalars(query if query is not None else sa.select(Organisation))
    return sorted(found, key=lambda organisation: sort_key(organisation.name))


@dataclass
class OrganisationDetails:
    name: str
    kind: OrganisationKind
    short_name: str = ""
    city: str = ""
    website: str = ""
    description: str = ""
    parent_id: int | None = None
    embed_origins: list[str] | None = None  # None: as they are


MAX_EMBED_ORIGINS = 10


# A host name as browsers compare it in a Content-Security-Policy: ASCII labels (an umlaut domain in its punycode),
# at least two of them (a website, not a word), or localhost.
HOST_NAME = re.compile(r"localhost|(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+")


def embed_origins(text: str) -> list[str]:
    """The websites typed one per line (or separated by spaces or commas) as origins, "https://host[:port]", an
    international domain name in its ASCII form (as browsers compare it); Refusal naming the first that is no such
    address. What is stored goes into a Content-Security-Policy header: nothing else may pass."""
    origins: list[str] = []
    for typed in text.replace(",", " ").split():
        parts = urlsplit(typed.lower())
        try:  # IDNA as browsers apply it (UTS 46: "straße.de" is xn--strae-oqa.de, not strasse.de)
            port, host = parts.port, idna.encode(parts.hostname or "", uts46=True).decode("ascii")
        except (ValueError, idna.IDNAError):
            port, host = -1, ""
        if (
            parts.scheme not in ("https", "http")
            or not HOST_NAME.fullmatch(host)
            or parts.username is not None
            or port in (-1, 0)
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or len(typed) > 200
        ):
            raise Refusal(
                _("“%(address)s” is no website address such as https://www.example.org.", address=typed[:200]),
                field="embed_origins",
            )
        origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_EMBED_ORIGINS:
        raise Refusal(_("At most %(count)s websites, please.", count=MAX_EMBED_ORIGINS), field="embed_origins")
    return origins


class SimilarOrganisations(Refusal):
    def __init__(self, found: list[Organisation]):
        super().__init__(_("There are organisations with a similar name. If yours is another one, tick the box below."))
        self.found = found


def save(
    organisation: Organisation | None,
    details: OrganisationDetails,
    logo: bytes | None = None,
    despite_similar: bool = False,
    *,
    by: Actor | None,
) -> Organisation:
    """A new organisation (added ``by`` someone), or the changes to one; ``logo`` replaces its logo (LogoError
    if it is no image). Refused with the similar ones (SimilarOrganisations) unless ``despite_similar``. Empty
    optional texts are stored as none."""
    new_logo = logos.store(logo) if logo else None
    old_logo = organisation.logo if organisation and new_logo else None
    try:
        with write_transaction():
            if db.engine.dialect.name == "postgresql":  # two saves at once see each other (SQLite: the write lock)
                db.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('organisation list'))"))
            renamed = organisation is None or (organisation.name, organisation.short_name or "") != (
                details.name.strip(),
                details.short_name.strip(),
            )  # an organisation saved under its name already is not asked about similar ones again
            found = (
                similar(details.name, details.short_name, besides=organisation.id if organisation else None)
                if renamed
                else []
            )
            if found and not despite_similar:
                raise SimilarOrganisations(found)
            organisation = organisation or Organisation(
                slug=unique_slug(details.name), created_by_id=by.id if by else None
            )
            organisation.name = details.name.strip()
            organisation.short_name = details.short_name.strip() or None
            organisation.city = details.city.strip() or None
            organisation.website = details.website.strip() or None
            organisation.description = details.description.strip()
            organisation.kind = details.kind
            organisation.parent = db.session.get(Organisation, details.parent_id) if details.parent_id else None
            if details.embed_origins is not None:
                organisation.embed_origins = " ".join(details.embed_origins)
            if new_logo:
                organisation.logo = new_logo
            db.session.add(organisation)
            db.session.flush()
            logs: set[int | None] = set(signals.events_showing(organisation.id)) or {None}  # every event showing it
            for event_id in logs:
                record(AuditAction.ORGANISATION_SAVED, organisation.name, event_id, by=by)
    except BaseException:
        logos.remove(new_logo)
        raise
    logos.remove(old_logo)
    return organisation


class MergeError(Refusal):
    pass


def merge(duplicate_id: int, kept_id: int, *, by: Actor | None) -> Organisation:
    """Fold a duplicate into the organisation that stays: whatever pointed to the duplicate (events, people,
    programme items, projects it runs) points to the one kept, which takes over details it lacks; the
    duplicate is deleted."""
    with write_transaction():
        duplicate, kept = db.session.get(Organisation, duplicate_id), db.session.get(Organisation, kept_id)
        if duplicate is None or kept is None or duplicate.id == kept.id:
            raise MergeError(_("Please choose another organisation to keep."))
        for name in ("short_name", "city", "website", "description", "logo"):
            if not getattr(kept, name):
                setattr(kept, name, getattr(duplicate, name))
                if name == "logo":
                    duplicate.logo = None  # the file now belongs to the one kept
        if kept.parent_id == duplicate.id:
            kept.parent_id = duplicate.parent_id if duplicate.parent_id != kept.id else None
        for child in list(duplicate.children):
            child.parent = kept if child.id != kept.id else child.parent
        signals.merging.send(kept, duplicate=duplicate)
        db.session.flush()
        old_logo = duplicate.logo
        db.session.delete(duplicate)
        record(AuditAction.ORGANISATION_MERGED, f"{duplicate.name} → {kept.name}", by=by)
    logos.remove(old_logo)
    return kept


def similar(name: str, short_name: str = "", besides: int | None = None) -> list[Organisation]:
    """Organisations that may be this one under another spelling: the same short name, one name inside
    the other, or names that differ by a few letters."""

    def plain(text: str) -> str:
        return " ".join(text.casefold().replace("-", " ").split())

    wanted, short = plain(name), plain(short_name)
    found = []
    for other in db.session.scalars(db.select(Organisation).where(Organisation.id != (besides or 0))):
        names = [plain(other.name)] + ([plain(other.short_name)] if other.short_name else [])
        if (
            (short and short in names)
            or wanted in names
            or any(
                min(len(candidate), len(wanted)) > 3
                and (
                    candidate in wanted
                    or wanted in candidate
                    or SequenceMatcher(None, wanted, candidate).ratio() > 0.85
                )
                for candidate in names
            )
        ):
            found.append(other)
    return found[:5]


def unique_slug(name: str) -> str:
    base, number = slugify(name)[:70].strip("-"), 1  # room for "-2" within the column's 80 characters
    slug = base
    while db.session.scalar(db.select(Organisation.id).where(Organisation.slug == slug)) is not None:
        number += 1
        slug = f"{base}-{number}"
    return slug
