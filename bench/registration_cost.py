"""What one registration costs in processor time, in one process, without the noise of a rush.

    .venv/bin/python bench/registration_cost.py [--n 400] [--profile] [--deliver-each]

The rush (``registration_rush.py``) varies ±20 % between sittings on a shared machine; this counts
the app's own processor time (``time.process_time``) for the same path: the form posted through
the test client (rate limit, form, locked transaction, redirect), then, measured apart, building
and delivering each confirmation mail to an SMTP sink running in another process. The event has
150 seats, so most of the people land on the waiting list, as in the rush. The mails are delivered after all
the requests, as by runners that are behind (in a rush they are): mails join a waiting delivery; with
``--deliver-each`` after each request, as by runners that keep up, each mail with a delivery of its own. Last line:
request_ms=<ms> mail_ms=<ms> total_ms=<ms> statements=<per registration, both parts>
"""

import argparse
import cProfile
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration_rush import SLUG, free_port, prepare_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--profile", action="store_true", help="print where the time goes (cProfile, slows it)")
    parser.add_argument("--deliver-each", action="store_true", help="deliver the mail after each request")
    args = parser.parse_args()

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            database_url = f"sqlite:///{folder}/cost.sqlite3"
            prepare_database(database_url, capacity=150)
            measure(database_url, port, args.n, args.profile, args.deliver_each)
    finally:
        sink.terminate()
        sink.wait()


def measure(database_url: str, smtp_port: int, n: int, profile: bool, deliver_each: bool) -> None:
    from conference import create_app
    from conference.extensions import db
    from conference.tasks import services as tasks

    app = create_app(
        {
            "CONFERENCE_ENV": "testing",
            "DATABASE_URL": database_url,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "TASK_RUNNER": "worker",
            "PUBLIC_URL": "http://127.0.0.1",
            "TRUSTED_PROXIES": 1,
            "WTF_CSRF_ENABLED": True,
        }
    )
    app.logger.disabled = True
    # Requests only queue the mails' tasks (TASK_RUNNER "worker"); they are run apart, through the runners' claim.
    statements = [0]
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    client = app.test_client()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(f"/events/{SLUG}/register").text
    ).group(1)

    def register(number: int) -> None:
        response = client.post(
            f"/events/{SLUG}/register",
            headers={"X-Forwarded-For": f"10.1.{number >> 8 & 255}.{number & 255}"},
            data={
                "csrf_token": token,
                "first_name": f"Vorname{number}",
                "last_name": "Kosten",
                "email": f"cost-{number}@example.org",
                "organisation": "Bildungszentrum",
                "privacy": "y",
            },
        )
        assert response.status_code == 303, response.status_code

    def deliver() -> None:
        with app.app_context():  # the task runner's own session, as in a web process's thread
            while tasks.run_due(limit=1000):
                pass
            db.session.remove()

    for number in range(30):  # warm: templates compiled, connections open
        register(number)
    deliver()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    statements[0] = 0
    request_seconds = mail_seconds = 0.0
    for batch in [[number] for number in range(30, 30 + n)] if deliver_each else [list(range(30, 30 + n))]:
        started = time.process_time()
        for number in batch:
            register(number)
        request_seconds += time.process_time() - started
        started = time.process_time()
        deliver()
        mail_seconds += time.process_time() - started
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    print(
        f"request_ms={1000 * request_seconds / n:.2f} mail_ms={1000 * mail_seconds / n:.2f} "
        f"total_ms={1000 * (request_seconds + mail_seconds) / n:.2f} statements={statements[0] / n:.1f}"
    )


if __name__ == "__main__":
    main()
