"""Registration rush: gunicorn serving the real app, N concurrent registrations for C seats.

    .venv/bin/python bench/registration_rush.py [--n 1000] [--capacity 150] [--clients 64]

Runs on SQLite, then on PostgreSQL when BENCH_POSTGRESQL_URL names a database it may wipe
(default postgresql://conference:conference@127.0.0.1/conference_bench, skipped if unreachable).
Each client is a browser session: it loads the form once (cookie and CSRF token), then sends its
share of registrations through the full path (form validation, locked transaction, mail to a local
SMTP sink). The load comes from this process over loopback with aiohttp; the database is checked
afterwards, and the time the outbox took to empty after the last response. Right before the app, on
the same database and server settings, the bare ceiling (``bench/rush_ceiling.py``: one locked insert
per request) takes the same rush. The last lines, one per database:
rate=<registrations/s> ceiling=<registrations/s> ratio=<rate/ceiling> p99_ms=<ms> mail_drained_s=<s>
overbooked=<n> lost=<n>
"""

import argparse
import asyncio
import importlib
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conference import create_app  # noqa: E402
from conference.database import utcnow  # noqa: E402
from conference.events.models import Event, EventStatus  # noqa: E402
from conference.extensions import db  # noqa: E402
from conference.registration.models import SEAT_HOLDING, Registration, RegistrationStatus  # noqa: E402

SLUG = "rush"
DEFAULT_POSTGRESQL = "postgresql://conference:conference@127.0.0.1/conference_bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(database_url: str, capacity: int) -> None:
    """Wipe the database, build it with the migrations, add one open event with ``capacity`` seats."""
    from flask_migrate import upgrade

    app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        tables = sa.MetaData()
        tables.reflect(db.engine)  # every table there, also those of models that are gone
        tables.drop_all(db.engine)
        upgrade()
        now = utcnow()
        db.session.add(
            Event(
                slug=SLUG,
                title="Fachtagung im Ansturm",
                status=EventStatus.PUBLISHED,
                capacity=capacity,
                starts_at=now + timedelta(days=30),
                ends_at=now + timedelta(days=30, hours=6),
                registration_opens_at=now - timedelta(hours=1),
                registration_closes_at=now + timedelta(days=20),
            )
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


@contextmanager
def serve(database_url: str, workers: int = 4, app: str = "wsgi:app", ready_path: str = f"/events/{SLUG}"):
    """gunicorn with the app on a free loopback port, mail going to a local SMTP sink.

    It trusts one proxy, as in production: clients send X-Forwarded-For, so each simulated person
    has an address of their own and the per-address rate limits count them as the real ones would.
    Background tasks (mail) run in a thread of each web process, or with BENCH_TASK_RUNNER=worker in
    one separate `flask worker` process (through Redis if BENCH_REDIS_URL is set).
    """
    smtp = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    runner = os.environ.get("BENCH_TASK_RUNNER", "thread")
    env = (
        os.environ
        | {
            "CONFERENCE_ENV": "testing",
            "DATABASE_URL": database_url,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp.port),
            "TRUSTED_PROXIES": "1",
            "TASK_RUNNER": runner,
            "PUBLIC_URL": "http://127.0.0.1",
        }
        | ({"REDIS_URL": os.environ["BENCH_REDIS_URL"]} if os.environ.get("BENCH_REDIS_URL") else {})
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,  # the app's request log: one line per request
    )
    worker = (
        subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "flask"), "--app", "conference", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if runner == "worker"
        else None
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + ready_path, server)
        yield url
    finally:
        for process in (server, worker):
            if process:
                process.terminate()
                process.wait(timeout=30)
        smtp.stop()


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


async def rush(url: str, n: int, clients: int, tag: str, ceiling: bool = False) -> dict:
    """``clients`` sessions send ``n`` registrations between them; returns statuses and latencies.
    ``ceiling``: to the bare app, which has no form to load first."""
    import aiohttp

    form_url = f"{url}/register" if ceiling else f"{url}/events/{SLUG}/register"
    todo = iter(range(n))
    latencies, statuses, errors, acknowledged = [], {}, {}, set()

    async def client() -> None:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            token = ""
            if not ceiling:
                async with session.get(form_url) as response:
                    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', await response.text()).group(
                        1
                    )
            for i in todo:  # a shared iterator: each registration is sent by exactly one client
                email = f"{tag}-{i}@rush.example.org"
                data = {
                    "csrf_token": token,
                    "first_name": f"Vorname{i}",
                    "last_name": "Ansturm",
                    "email": email,
                    "organisation": "Bildungszentrum",
                    "privacy": "y",
                }
                started = time.perf_counter()
                try:
                    async with session.post(
                        form_url, data=data, allow_redirects=False, headers={"X-Forwarded-For": client_address(i)}
                    ) as response:
                        await response.read()
                except Exception as error:  # noqa: BLE001 - counted and reported
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status in (201, 303):
                    acknowledged.add(email)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return {
        "wall": time.perf_counter() - started,
        "latencies": sorted(latencies),
        "statuses": statuses,
        "errors": errors,
        "acknowledged": acknowledged,
    }


def client_address(number: int) -> str:
    """A distinct address per simulated person, from the private 10.0.0.0/8 range."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def verify(database_url: str, result: dict, n: int) -> dict:
    """What the database holds after the rush, against what the clients were told."""
    app = create_app({"CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        rows = db.session.execute(
            sa.select(Registration.email, Registration.status).where(Registration.event_id == event.id)
        ).all()
        capacity = event.capacity
        db.session.remove()
        db.engine.dispose()
    by_status = {status: sum(1 for _, s in rows if s == status) for status in RegistrationStatus}
    emails = [email for email, _ in rows]
    seated = sum(by_status[status] for status in SEAT_HOLDING)
    return {
        "capacity": capacity,
        "seated": seated,
        "waitlisted": by_status[RegistrationStatus.WAITLISTED],
        "duplicates": len(emails) - len(set(emails)),
        "overbooked": max(0, seated - (capacity if capacity is not None else seated)),
        "lost": len(result["acknowledged"] - set(emails)) + (n - len(rows)),
    }


def percentile(values: list[float], p: float) -> float:
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)] if values else float("nan")


def run_ceiling(database_url: str, n: int, capacity: int, clients: int) -> dict:
    """The bare app's rate on the same database, server settings and rush."""
    os.environ["DATABASE_URL"] = database_url  # read by the ceiling module, here and in its gunicorn
    from bench import rush_ceiling

    importlib.reload(rush_ceiling)
    rush_ceiling.reset(capacity)
    with serve(database_url, app="bench.rush_ceiling:app", ready_path="/ping") as url:
        result = asyncio.run(rush(url, n, clients, tag="ceiling", ceiling=True))
    seated, rows, capacity = rush_ceiling.seated_and_rows()
    rush_ceiling.engine.dispose()
    rate = n / result["wall"]
    print(
        f"[ceiling] rate={rate:.1f}/s p99={percentile(result['latencies'], 99):.0f}ms statuses={result['statuses']} "
        f"overbooked={max(0, seated - capacity)} lost={n - rows}"
    )
    return {"rate": rate}


def wait_for_mail(database_url: str, expected: int, timeout: float = 600) -> float:
    """Seconds until every mail is delivered (none queued or being sent, ``expected`` sent)."""
    from conference.mail.models import OutgoingMail
    from conference.tasks.models import BUSY, WorkStatus

    started = time.perf_counter()
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        while time.perf_counter() - started < timeout:
            with engine.connect() as connection:
                busy = connection.scalar(sa.select(sa.func.count()).where(OutgoingMail.status.in_(BUSY)))
                sent = connection.scalar(sa.select(sa.func.count()).where(OutgoingMail.status == WorkStatus.DONE))
            if not busy and sent >= expected:
                return time.perf_counter() - started
            time.sleep(0.05)
        raise RuntimeError(f"the outbox did not empty within {timeout:.0f} s")
    finally:
        engine.dispose()


def run(label: str, database_url: str, n: int, capacity: int, clients: int) -> dict:
    ceiling = run_ceiling(database_url, n, capacity, clients)
    prepare_database(database_url, capacity)
    with serve(database_url) as url:
        result = asyncio.run(rush(url, n, clients, tag=label))
        drained = wait_for_mail(database_url, len(result["acknowledged"]))
    checked = verify(database_url, result, n)
    lat = result["latencies"]
    figures = {
        "rate": n / result["wall"],
        "ceiling": ceiling["rate"],
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "p99": percentile(lat, 99),
        "drained": drained,
        "five_xx": sum(count for status, count in result["statuses"].items() if status >= 500),
        **checked,
    }
    print(
        f"[{label}] n={n} clients={clients} capacity={capacity} wall={result['wall']:.2f}s "
        f"rate={figures['rate']:.1f}/s p50={figures['p50']:.0f}ms p95={figures['p95']:.0f}ms p99={figures['p99']:.0f}ms"
    )
    print(
        f"[{label}] statuses={result['statuses']} errors={result['errors']} seats_taken={checked['seated']} "
        f"waiting_list={checked['waitlisted']} duplicates={checked['duplicates']} "
        f"overbooked={checked['overbooked']} lost={checked['lost']} mail_drained_s={drained:.1f}"
    )
    return figures


def summary(label: str, figures: dict) -> str:
    return (
        f"{label}: rate={figures['rate']:.1f} ceiling={figures['ceiling']:.1f} "
        f"ratio={figures['rate'] / figures['ceiling']:.2f} "
        f"p99_ms={figures['p99']:.0f} mail_drained_s={figures['drained']:.1f} overbooked={figures['overbooked']} "
        f"lost={figures['lost']}"
    )


def postgresql_available(url: str) -> bool:
    try:
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=150)
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = run("sqlite", f"sqlite:///{folder}/rush.sqlite3", args.n, args.capacity, args.clients)
    postgresql = os.environ.get("BENCH_POSTGRESQL_URL", DEFAULT_POSTGRESQL)
    if postgresql_available(postgresql):
        results["postgresql"] = run("postgresql", postgresql, args.n, args.capacity, args.clients)
    else:
        print("[postgresql] not reachable")
    for label, figures in results.items():
        print(summary(label, figures))


if __name__ == "__main__":
    main()
