import logging
import threading
import time

import click
from flask import current_app

from conference.extensions import db
from conference.tasks import services

log = logging.getLogger(__name__)
SWEEP_SECONDS = 30


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is due now, then stop (for cron and tests).")
def worker_command(burst: bool) -> None:
    """Run background tasks: from Redis (RQ) when REDIS_URL is set, else from the database."""
    services.ensure_schedule()
    if current_app.config.get("REDIS_URL"):
        _work_with_redis(burst)
    else:
        _work_from_database(burst)


def _run_all_due() -> int:
    ran = 0
    while count := services.run_due():
        ran += count
    return ran


def _work_from_database(burst: bool) -> None:
    click.echo(f"Worker polling the database every {services.POLL_SECONDS} s.")
    while True:
        ran = _run_all_due()
        db.session.remove()
        if burst:
            click.echo(f"{ran} task(s) run.")
            return
        time.sleep(services.POLL_SECONDS)


def _work_with_redis(burst: bool) -> None:
    from rq import SimpleWorker

    queue = services.redis_queue()
    if not burst:
        # Redis dispatches at once; a slow sweep of the database catches what Redis lost (a restart
        # without persistence) and periodic tasks. Claims keep the two from running a task twice.
        threading.Thread(target=_sweep, args=(current_app._get_current_object(),), daemon=True).start()
    # SimpleWorker runs tasks in this process, inside the app context (no fork with shared database connections).
    SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)
    if burst:
        click.echo(f"{_run_all_due()} task(s) run from the database.")


def _sweep(app) -> None:
    with app.app_context():
        while True:
            time.sleep(SWEEP_SECONDS)
            try:
                _run_all_due()
            except Exception:  # noqa: BLE001 - logged; the next sweep tries again
                log.exception("task sweep")
            finally:
                db.session.remove()
