"""``flask --app conference worker``: runs background tasks in a process of its own (production), polling the
database, or woken at once through Redis when ``REDIS_URL`` is set."""

import time

import click
from flask import current_app

from conference.tasks import services


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is due now, then stop (for cron and tests).")
def worker_command(burst: bool) -> None:
    """Run background tasks until stopped."""
    if burst:
        click.echo(f"{services.work(lambda _seconds: False)} task(s) run.")
        return
    redis_url = current_app.config.get("REDIS_URL")
    click.echo(
        f"Worker waiting for tasks ({'woken through Redis, ' if redis_url else ''}"
        f"polling the database every {services.POLL_SECONDS} s)."
    )
    services.work(_redis_wait(redis_url) if redis_url else _sleep)


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return True


def _redis_wait(redis_url: str):
    """Wait until a web process says there is work (``services.dispatch``), at most ``seconds``."""
    from redis import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(redis_url)

    def wait(seconds: float) -> bool:
        try:
            redis.blpop([services.WAKE_KEY], timeout=seconds)
        except RedisError:
            time.sleep(seconds)  # Redis away: the database poll carries on alone
        return True

    return wait
