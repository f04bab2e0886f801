import io
import itertools

import pytest
from pypdf import PdfReader

from conference.database import utcnow
from conference.registration import services
from tests.conftest import applicant, check_in

# Names from everywhere: every one of them must come out of the PDF as typed.
NAMES = [("Ayşe", "Yılmaz"), ("Jürgen", "Größe"), ("Иван", "Петров"), ("محمد", "العلي"), ("Ζωή", "Παπαδοπούλου"),
         ("Ngọc", "Nguyễn")]


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def register_people():
    """Register ``count`` people at ``event`` (names cycling through NAMES); ``checked_in`` checks them in."""

    numbers = itertools.count(1)

    def register(event, count: int, checked_in: bool = False, **fields):
        people = []
        for index in range(count):
            first, last = NAMES[index % len(NAMES)]
            outcome = services.register(event.id, applicant(first_name=first, last_name=f"{last} {next(numbers):03d}",
                                                            function="Beraterin", **fields), utcnow(), by_organiser=True)
            people.append(outcome.registration)
            if checked_in:
                check_in(outcome.registration)
        return people

    return register
