"""Where a registration's time goes: py-spy records the rush's gunicorn workers, samples are summed per phase.

    .venv/bin/python bench/profile_rush.py [--n 3000] [--database sqlite|postgresql]

Runs the app's part of ``registration_rush.py`` (no ceiling) with ``py-spy record --subprocesses`` on the
gunicorn master, then reads the collapsed stacks of the busy threads (py-spy leaves out idle ones) and
sums them per phase (see ``phase_of``). Last line: samples=<n> and the share of each phase.
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import registration_rush as rush  # noqa: E402

# A sample of the mail thread (its stack holds the mail sender) or of a request; within either, the frame
# nearest the leaf that a marker names gives the phase (the rate limit wraps the whole view, for one).
MAIL_PHASES = [
    ("mail: QR code", ("conference/site/qr.py",)),
    ("mail: calendar (.ics)", ("conference/events/ical.py",)),
    ("mail: SMTP and MIME", ("smtplib.py", "/email/")),
    (
        "mail: templates and texts",
        ("jinja2/", "conference/registration/notifications.py", "conference/registration/mail_texts.py"),
    ),
]
REQUEST_PHASES = [
    ("rate limit", ("count (",)),
    ("locked transaction", ("conference/registration/services.py", "conference/database.py")),
    ("form build and validation", ("conference/registration/forms.py", "wtforms/", "flask_wtf/")),
    ("page render", ("jinja2/",)),
]


def phase_of(stack: str) -> str:
    frames = stack.split(";")
    mail = any("conference/mail/services.py" in frame for frame in frames)
    for frame in reversed(frames):
        for name, markers in MAIL_PHASES if mail else REQUEST_PHASES:
            if any(marker in frame for marker in markers):
                return name
    return "mail: lease, queue, database" if mail else "request: session, routing, WSGI, database"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--save", type=Path, help="keep py-spy's collapsed stacks in this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = (
            f"sqlite:///{folder}/rush.sqlite3"
            if args.database == "sqlite"
            else os.environ.get("BENCH_POSTGRESQL_URL", rush.DEFAULT_POSTGRESQL)
        )
        rush.prepare_database(url, args.capacity)
        raw = Path(folder) / "profile.txt"
        with rush.serve(url) as address:
            master = int(
                subprocess.check_output(["pgrep", "-f", f"gunicorn.*{address.rpartition(':')[2]}", "-o"]).split()[0]
            )
            spy = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "py-spy"),
                    "record",
                    "--pid",
                    str(master),
                    "--subprocesses",
                    "--format",
                    "raw",
                    "--rate",
                    "200",
                    "--output",
                    str(raw),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
            )
            result = asyncio.run(rush.rush(address, args.n, args.clients, tag="profile"))
            rush.wait_for_mail(url, len(result["acknowledged"]))
            spy.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
            spy.wait(timeout=120)
        if args.save:
            args.save.write_text(raw.read_text())
        busy = {}
        for line in raw.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            busy[phase_of(stack)] = busy.get(phase_of(stack), 0) + int(count)
    total = sum(busy.values())
    print(f"{args.database}: {args.n / result['wall']:.1f} registrations/s while recorded (py-spy slows it)")
    for name, samples in sorted(busy.items(), key=lambda item: -item[1]):
        print(f"  {name:28} {samples:7d} samples  {100 * samples / total:5.1f}%")
    print(
        f"samples={total} "
        + " ".join(
            f"{name.split(':')[-1].strip().replace(' ', '_')}={100 * samples / total:.0f}%"
            for name, samples in busy.items()
        )
    )


if __name__ == "__main__":
    main()
