"""Documents: the app's renderer against plain single-process WeasyPrint on the identical HTML.

    .venv/bin/python bench/documents.py [--certificates 500] [--rows 1000 10000]

Builds a SQLite database with one event and 10,000 confirmed, checked-in registrations (names
from many scripts), then measures, each in a fresh process: 500 certificates of attendance, and
sign-in sheets of 1,000 and 10,000 rows, once through the app's own code (HTML from the app's
templates, chunks rendered side by side by the pool and merged) and once as the same HTML in one
document through plain WeasyPrint in one process. Peak memory is the high-water mark of resident
memory of the largest process (the app process or one pool worker: what must not grow with the
list); the sum over the app process and its workers is printed beside it. Last line:
ratio=<app/plain s, certificates> list_ratio=<app/plain s, 1,000 rows>
list10k_peak_mb=<MB of the app, 10,000 rows>
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = [
    ("Ayşe", "Yılmaz"),
    ("Jürgen", "Größe"),
    ("Иван", "Петров"),
    ("محمد", "العلي"),
    ("Ζωή", "Παπαδοπούλου"),
    ("Ngọc", "Nguyễn"),
    ("Agnieszka", "Wiśniewska"),
    ("Olga", "Schmidt"),
]


def high_water_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def prepare(database_url: str, people: int) -> None:
    from flask_migrate import upgrade

    from conference import create_app
    from conference.agenda.models import AgendaItem, AgendaItemKind
    from conference.database import utcnow
    from conference.events.models import Event, EventStatus
    from conference.extensions import db
    from conference.registration.models import Registration, RegistrationStatus

    app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        upgrade()
        start = (utcnow() - timedelta(days=1)).replace(hour=7, minute=30, second=0, microsecond=0)
        event = Event(
            slug="bench",
            title="Fachtagung: Anerkennung durch Anerkennung",
            status=EventStatus.PUBLISHED,
            starts_at=start,
            ends_at=start + timedelta(hours=6, minutes=30),
            venue="Schweriner Ausbildungszentrum e.V.",
            city="Schwerin",
            certificate_signer_name="Projektkoordination NQ-Netz-MV",
            funding_notice="Gefördert vom Bundesministerium für Bildung und Forschung und aus Mitteln des "
            "Europäischen Sozialfonds.",
        )
        event.agenda_items = [
            AgendaItem(
                kind=AgendaItemKind.TALK,
                title=f"Vortrag {n}",
                starts_at=start + timedelta(hours=n),
                ends_at=start + timedelta(hours=n, minutes=45),
            )
            for n in range(6)
        ]
        db.session.add(event)
        db.session.flush()
        rows = [
            {
                "event_id": event.id,
                "status": RegistrationStatus.CONFIRMED.value,
                "first_name": first,
                "last_name": f"{last} {n:05d}",
                "email": f"p{n}@example.org",
                "organisation": "Schweriner Ausbildungszentrum e.V.",
                "function": "Beraterin",
                "phone": "",
                "locale": "de",
                "privacy_accepted_at": start,
                "listed_as_participant": False,
                "link_nonce": f"{n:032x}",
                "token_hash": f"{n:064x}",
                "check_in_code": f"C{n:09d}",
                "submission_key": "",
                "created_at": start,
                "updated_at": start,
                "checked_in_at": start,
            }
            for n in range(people)
            for first, last in [NAMES[n % len(NAMES)]]
        ]
        db.session.execute(Registration.__table__.insert(), rows)
        db.session.commit()


def measure(database_url: str, case: str, mode: str, size: int) -> dict:
    """Runs in its own process: renders one case and reports seconds, pages and peak memory."""
    import io

    import sqlalchemy as sa
    import weasyprint
    from pypdf import PdfReader

    from conference import create_app
    from conference.database import utcnow
    from conference.documents import certificates, engine, lists, pool
    from conference.documents.render import render_chunks
    from conference.events.models import Event
    from conference.extensions import db

    app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        event = db.session.scalar(sa.select(Event).where(Event.slug == "bench"))
        people = certificates.attendees(event.id)[:size]
        engine.warm_up()  # the import and first render are paid once per process, outside the timing
        if mode == "plain":
            if case == "certificates":
                html = certificates.html(event, people, certificates.issue(people, utcnow()))
            else:
                [html] = lists.chunks(event, lists.rows(people), "Teilnehmerliste", pages_per_chunk=10**9)
            started = time.perf_counter()
            pdf = weasyprint.HTML(string=html, base_url=engine.BASE_URL).write_pdf(
                stylesheets=[weasyprint.CSS(filename=str(engine.STYLESHEET))]
            )
            seconds = time.perf_counter() - started
            processes = [high_water_mb()]
        else:
            list(pool.render_in_parallel(["<p>warm</p>"] * (os.cpu_count() or 1), {}))  # a started pool, as in a server
            started = time.perf_counter()
            if case == "certificates":
                pdf = render_chunks(
                    certificates.chunks(event, people, certificates.issue(people, utcnow())),
                    certificates.metadata(event, people),
                )
            else:
                pdf = render_chunks(
                    lists.chunks(event, lists.rows(people), "Teilnehmerliste"), lists.metadata(event, "x")
                )
            seconds = time.perf_counter() - started
            workers = list(pool._pool()._pool_manager.worker_manager.workers)
            processes = [high_water_mb()] + [high_water_mb(pid) for pid in workers]
            pool.shutdown()
    return {
        "seconds": seconds,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "peak_mb": max(processes),
        "total_mb": sum(processes),
        "bytes": len(pdf),
    }


def run_case(database_url: str, case: str, mode: str, size: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", case, mode, str(size), "--database", database_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"{case:>12} {size:>6} {mode:>5}: {result['seconds']:7.1f} s  {result['pages'] / result['seconds']:6.1f} "
        f"pages/s"
        f"  {result['pages']:5d} pages  peak {result['peak_mb']:5.0f} MB per process, {result['total_mb']:5.0f} MB in "
        f"all"
        f"  {result['bytes'] / 1e6:5.1f} MB file",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--rows", type=int, nargs=2, default=[1000, 10000])
    parser.add_argument("--measure", nargs=3)
    parser.add_argument("--database")
    arguments = parser.parse_args()
    if arguments.measure:
        case, mode, size = arguments.measure
        print(json.dumps(measure(arguments.database, case, mode, int(size))))
        return
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite3"
        prepare(database_url, max(arguments.certificates, *arguments.rows))
        results = {}
        for case, size in (
            ("certificates", arguments.certificates),
            ("list", arguments.rows[0]),
            ("list", arguments.rows[1]),
        ):
            for mode in ("app", "plain"):
                results[case, size, mode] = run_case(database_url, case, mode, size)
    ratio = (
        results["certificates", arguments.certificates, "app"]["seconds"]
        / results["certificates", arguments.certificates, "plain"]["seconds"]
    )
    list_ratio = (
        results["list", arguments.rows[0], "app"]["seconds"] / results["list", arguments.rows[0], "plain"]["seconds"]
    )
    print(
        f"ratio={ratio:.2f} list_ratio={list_ratio:.2f} "
        f"list10k_peak_mb={results['list', arguments.rows[1], 'app']['peak_mb']:.0f}"
    )


if __name__ == "__main__":
    main()
