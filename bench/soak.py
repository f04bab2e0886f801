"""Soak: gunicorn serving the real app for minutes under mixed load, one worker killed with SIGKILL.

    .venv/bin/python bench/soak.py [--seconds 180] [--clients 32] [--capacity 400] [--database-url URL]

Clients (aiohttp, in this process, over loopback) browse pages, register, cancel their own
registration through its link, download a handout and ask /healthz, each as a person with an
address of their own (X-Forwarded-For through one trusted proxy). Half-way through, one gunicorn
worker is killed with ``kill -9``; the master starts a new one. Afterwards the database is checked
against what the clients were told:

* lost: a registration or cancellation acknowledged (303) but not in the database;
* duplicated: an address registered twice for the event;
* overbooked: more seats held than the capacity;
* out_of_order: someone waiting who registered before someone who holds a seat (first come, first served).

Runs on SQLite, or on the PostgreSQL database named by --database-url (it is wiped).
Last line: lost=<n> duplicated=<n> overbooked=<n> errors_5xx=<n> requests=<n>
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.registration_rush import SLUG, client_address, prepare_database, serve
from conference import create_app
from conference.events.models import Event
from conference.extensions import db
from conference.materials.models import Material, Visibility
from conference.registration.models import SEAT_HOLDING, Registration, RegistrationStatus
from conference.registration.services import link_token

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HANDOUT = b"%PDF-1.7\n" + b"Handout der Fachtagung\n" * 20_000  # about 460 kB
# What a visitor does next, and how often.
ACTIONS = {"browse": 45, "register": 30, "cancel": 10, "download": 10, "health": 5}


def add_handout(database_url: str) -> tuple[int, Path]:
    """A public handout for the event, stored where the served app looks for uploads."""
    app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        folder = Path(app.instance_path) / "uploads" / "materials"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"soak-{secrets.token_hex(8)}"
        path.write_bytes(HANDOUT)
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        material = Material(
            event_id=event.id,
            title="Handout",
            visibility=Visibility.PUBLIC,
            stored_name=path.name,
            original_name="handout.pdf",
            content_type="application/pdf",
            size=len(HANDOUT),
        )
        db.session.add(material)
        db.session.commit()
        material_id = material.id
        db.session.remove()
        db.engine.dispose()
    return material_id, path


class Load:
    """Counts of what the clients sent and were told."""

    def __init__(self, database_url: str):
        self.statuses: Counter = Counter()
        self.dropped: Counter = Counter()  # connection errors, e.g. the killed worker's requests
        self.registered: set[str] = set()  # acknowledged e-mail addresses
        self.cancelled: set[str] = set()
        self.people = iter(range(10**9))
        # The link comes by mail (the page after registering names none); the soak reads it from the database.
        self.app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})

    def link_of(self, email: str) -> str | None:
        with self.app.app_context():
            registration = db.session.scalar(sa.select(Registration).where(Registration.email == email))
            link = f"/registrations/{link_token(registration)}" if registration else None
            db.session.remove()
            return link


async def visitor(session, url: str, material_id: int, load: Load, until: float) -> None:
    while time.monotonic() < until:
        action = random.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
        person = next(load.people)
        headers = {"X-Forwarded-For": client_address(person)}
        try:
            if action == "browse":
                path = random.choice(
                    [
                        "/",
                        f"/events/{SLUG}",
                        f"/events/{SLUG}/agenda",
                        f"/events/{SLUG}/materials",
                        f"/events/{SLUG}/register",
                    ]
                )
                await fetch(session, "GET", url + path, load, headers)
            elif action == "download":
                await fetch(session, "GET", f"{url}/events/{SLUG}/materials/{material_id}", load, headers)
            elif action == "health":
                await fetch(session, "GET", url + "/healthz", load, headers)
            elif action == "register":
                await register(session, url, person, load, headers)
            elif load.registered - load.cancelled:
                await cancel(session, url, random.choice(sorted(load.registered - load.cancelled)), load, headers)
        except Exception as error:  # noqa: BLE001 - counted; the load goes on
            load.dropped[type(error).__name__] += 1


async def fetch(session, method: str, url: str, load: Load, headers: dict, **kwargs) -> tuple[int, str, str]:
    async with session.request(method, url, headers=headers, allow_redirects=False, **kwargs) as response:
        body = await response.read()
        load.statuses[response.status] += 1
        return response.status, response.headers.get("Location", ""), body.decode(errors="replace")


async def register(session, url: str, person: int, load: Load, headers: dict) -> None:
    form = f"{url}/events/{SLUG}/register"
    status, _, page = await fetch(session, "GET", form, load, headers)
    if status != 200:
        return
    email = f"soak-{person}@example.org"
    data = {
        "csrf_token": CSRF.search(page).group(1),
        "first_name": f"Person{person}",
        "last_name": "Dauerlast",
        "email": email,
        "organisation": "Bildungszentrum",
        "privacy": "y",
    }
    status, location, _ = await fetch(session, "POST", form, load, headers, data=data)
    if status == 303 and location.endswith("/register/thanks"):
        load.registered.add(email)


async def cancel(session, url: str, email: str, load: Load, headers: dict) -> None:
    path = await asyncio.to_thread(load.link_of, email)
    if path is None:
        return
    link = url + path
    status, _, page = await fetch(session, "GET", link + "/cancel", load, headers)
    token = CSRF.search(page) if status == 200 else None
    if token is None:
        return
    status, _, _ = await fetch(session, "POST", link + "/cancel", load, headers, data={"csrf_token": token.group(1)})
    if status == 303:
        load.cancelled.add(email)


async def drive(url: str, material_id: int, clients: int, seconds: float, load: Load) -> None:
    import aiohttp

    until = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=60)
    sessions = [
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout) for _ in range(clients)
    ]
    try:
        await asyncio.gather(*(visitor(session, url, material_id, load, until) for session in sessions))
    finally:
        await asyncio.gather(*(session.close() for session in sessions))


def gunicorn_workers() -> list[int]:
    """The worker processes of the gunicorn serving the soak (children of its master)."""
    masters = subprocess.run(
        ["pgrep", "-f", "-P", str(os.getpid()), "gunicorn"], capture_output=True, text=True
    ).stdout.split()
    return [
        int(pid)
        for master in masters
        for pid in subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
    ]


async def kill_a_worker_after(delay: float, killed: list[int]) -> None:
    await asyncio.sleep(delay)
    victim = random.choice(gunicorn_workers())
    os.kill(victim, signal.SIGKILL)
    killed.append(victim)
    print(f"killed gunicorn worker {victim} with SIGKILL after {delay:.0f} s", flush=True)


def check(database_url: str, load: Load) -> dict:
    app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        rows = db.session.execute(
            sa.select(Registration.email, Registration.status, Registration.created_at, Registration.id).where(
                Registration.event_id == event.id
            )
        ).all()
        capacity = event.capacity
        db.session.remove()
        db.engine.dispose()
    status_of = {row.email: row.status for row in rows}
    seated = [row for row in rows if row.status in SEAT_HOLDING]
    waiting = [row for row in rows if row.status == RegistrationStatus.WAITLISTED]
    first_waiting = min(((row.created_at, row.id) for row in waiting), default=None)
    return {
        "rows": len(rows),
        "seated": len(seated),
        "waiting": len(waiting),
        "capacity": capacity,
        "lost": len(load.registered - status_of.keys())
        + sum(1 for email in load.cancelled if status_of.get(email) != RegistrationStatus.CANCELLED),
        "duplicated": len(rows) - len(status_of),
        "overbooked": max(0, len(seated) - capacity),
        "out_of_order": 0
        if first_waiting is None
        else sum(1 for row in seated if (row.created_at, row.id) > first_waiting),
        "free_while_waiting": int(bool(waiting) and len(seated) < capacity),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--capacity", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", help="a PostgreSQL database it may wipe; default: a fresh SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database_url or f"sqlite:///{folder}/soak.sqlite3"
        prepare_database(database_url, args.capacity)
        material_id, handout = add_handout(database_url)
        load, killed = Load(database_url), []
        started = time.monotonic()
        try:
            with serve(database_url, workers=args.workers) as url:

                async def run() -> None:
                    await asyncio.gather(
                        drive(url, material_id, args.clients, args.seconds, load),
                        kill_a_worker_after(args.seconds / 2, killed),
                    )

                asyncio.run(run())
                alive = gunicorn_workers()  # the master has replaced the killed worker
                time.sleep(3)  # mail the workers' task threads are still sending
        finally:
            handout.unlink(missing_ok=True)
        figures = check(database_url, load)

    requests = sum(load.statuses.values())
    errors_5xx = sum(count for status, count in load.statuses.items() if status >= 500)
    elapsed = time.monotonic() - started
    print(
        f"database={'postgresql' if args.database_url else 'sqlite'} seconds={args.seconds:.0f} clients={args.clients} "
        f"workers={args.workers} killed={killed} workers_after={len(alive)} "
        f"killed_still_alive={bool(set(killed) & set(alive))}"
    )
    print(
        f"requests={requests} ({requests / elapsed:.0f}/s) statuses={dict(sorted(load.statuses.items()))} "
        f"dropped_connections={dict(load.dropped)}"
    )
    print(
        f"registered={len(load.registered)} cancelled={len(load.cancelled)} in_database={figures['rows']} "
        f"seated={figures['seated']}/{figures['capacity']} waiting={figures['waiting']} "
        f"out_of_order={figures['out_of_order']} free_while_waiting={figures['free_while_waiting']}"
    )
    print(
        f"lost={figures['lost']} duplicated={figures['duplicated']} overbooked={figures['overbooked']} "
        f"errors_5xx={errors_5xx} requests={requests}"
    )


if __name__ == "__main__":
    main()
