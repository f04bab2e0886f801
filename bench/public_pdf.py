"""A crowd opens the public programme PDF at once: is it rendered once, and does the site stay responsive?

    .venv/bin/python bench/public_pdf.py [--requests 12]

gunicorn (4 sync workers, as in the rush) serves an event with a day's programme on a fresh SQLite
database. ``--requests`` clients ask for ``programme.pdf`` at the same moment while another asks
``/healthz`` every 50 ms. Renders are counted from the app's own cache folder (one file per
rendered content). Last line: renders=<n> distinct_pdfs=<n> wall_s=<s> healthz_max_ms=<ms>
"""

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration_rush import SLUG, prepare_database, serve  # noqa: E402


def add_programme(database_url: str) -> None:
    import sqlalchemy as sa

    from conference import create_app
    from conference.agenda.models import AgendaItem, AgendaItemKind
    from conference.events.models import Event
    from conference.extensions import db

    app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        start = event.starts_at.replace(hour=7, minute=30)
        event.agenda_items = [
            AgendaItem(
                kind=AgendaItemKind.TALK,
                title=f"Vortrag {n}: Anerkennung durch Anerkennung",
                starts_at=start + timedelta(minutes=45 * n),
                ends_at=start + timedelta(minutes=45 * n + 40),
            )
            for n in range(9)
        ]
        db.session.commit()
        db.engine.dispose()


async def crowd(url: str, requests: int) -> dict:
    import aiohttp

    bodies, healthz = [], []
    async with aiohttp.ClientSession() as session:
        finished = asyncio.Event()

        async def fetch_pdf() -> None:
            async with session.get(f"{url}/events/{SLUG}/programme.pdf") as response:
                assert response.status == 200, response.status
                bodies.append(await response.read())

        async def watch_health() -> None:
            while not finished.is_set():
                started = time.perf_counter()
                async with session.get(f"{url}/healthz") as response:
                    await response.read()
                healthz.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch_health())
        started = time.perf_counter()
        await asyncio.gather(*(fetch_pdf() for _ in range(requests)))
        wall = time.perf_counter() - started
        finished.set()
        await watcher
    return {"bodies": bodies, "healthz": healthz, "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=12)
    args = parser.parse_args()
    shared = ROOT / "instance" / "documents" / "shared"
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/pdf.sqlite3"
        prepare_database(database_url, capacity=150)
        add_programme(database_url)
        before = set(shared.glob("*.pdf")) if shared.is_dir() else set()
        with serve(database_url) as url:
            result = asyncio.run(crowd(url, args.requests))
        renders = len(set(shared.glob("*.pdf")) - before)
    print(
        f"renders={renders} distinct_pdfs={len(set(result['bodies']))} wall_s={result['wall']:.2f} "
        f"healthz_max_ms={max(result['healthz']):.0f}"
    )


if __name__ == "__main__":
    main()
