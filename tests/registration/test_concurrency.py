"""Many people at once for the last seats, against a real gunicorn server: nobody overbooked or lost.

The PostgreSQL run needs ``TEST_POSTGRESQL_URL``: a database it may wipe (``.ci/run`` provides one).
"""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.registration_rush import prepare_database, rush, serve, verify

SEATS, PEOPLE = 10, 60


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rush.sqlite3'}"
    url = os.environ.get("TEST_POSTGRESQL_URL")
    if not url:
        pytest.skip("TEST_POSTGRESQL_URL is not set (.ci/run sets it)")
    return url


def test_a_rush_for_the_last_seats_neither_overbooks_nor_loses_anyone(database_url):
    prepare_database(database_url, capacity=SEATS)
    with serve(database_url, workers=4) as url, ThreadPoolExecutor(1) as thread:
        # Its own thread: Playwright's browser tests leave an event loop running in this one.
        result = thread.submit(lambda: asyncio.run(rush(url, PEOPLE, clients=30, tag="last-seats"))).result()
    checked = verify(database_url, result, PEOPLE)

    assert result["errors"] == {} and result["statuses"] == {303: PEOPLE}
    assert checked == {
        "capacity": SEATS,
        "seated": SEATS,
        "waitlisted": PEOPLE - SEATS,
        "duplicates": 0,
        "overbooked": 0,
        "lost": 0,
    }
