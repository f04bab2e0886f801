import itertools

import pytest

from conference.database import utcnow
from conference.registration import services
from tests.support import applicant, check_in
from tests.support.documents import NAMES


@pytest.fixture
def register_people():
    """Register ``count`` people at ``event`` (names cycling through NAMES); ``checked_in`` checks them in."""

    numbers = itertools.count(1)

    def register(event, count: int, checked_in: bool = False, **fields):
        people = []
        for index in range(count):
            first, last = NAMES[index % len(NAMES)]
            outcome = services.register(
                event.id,
                applicant(first_name=first, last_name=f"{last} {next(numbers):03d}", function="Beraterin", **fields),
                utcnow(),
                by_organiser=True,
                by=None,
            )
            people.append(outcome.registration)
            if checked_in:
                check_in(outcome.registration)
        return people

    return register
