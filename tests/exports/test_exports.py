"""Exports open correctly (read back with csv and openpyxl), never carry formulas, are
audited, and calendars list the right things."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from eventapp.audit.models import AuditLog
from eventapp.database import write_transaction
from eventapp.exports.tables import safe_cell
from eventapp.extensions import db
from eventapp.registration.models import Registration

from ..helpers import sessions_of


def test_cells_that_look_like_formulas_are_defused():
    assert [safe_cell(v) for v in ("=1+1", "+49 30", "-x", "@SUM(A1)", "Anna", None, 3)] == [
        "'=1+1", "'+49 30", "'-x", "'@SUM(A1)", "Anna", "", "3"]


def _world(create_event, register):
    event = create_event(sessions=(("Weiterbildung", 10),))
    session = sessions_of(event)[0]
    register(event, name="=HYPERLINK(\"http://evil\")", organisation="Netzwerk Süd",
             public_listing=True, session_ids=[session.id])
    register(event, name="Björn Öztürk", organisation="Ölmühle", public_listing=False)
    return event


def test_registrations_as_csv_for_german_excel(client, auth, create_event, register):
    event = _world(create_event, register)
    auth.login_organiser()
    response = client.get(f"/organiser/events/{event.slug}/export/registrations.csv")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Name" and len(rows) == 3
    names = [row[0] for row in rows[1:]]
    assert "Björn Öztürk" in names and "'=HYPERLINK(\"http://evil\")" in names
    assert any("Weiterbildung" in row[6] for row in rows[1:])
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert "export.registrations" in actions


def test_participant_list_as_xlsx_has_only_those_who_opted_in(client, auth, create_event,
                                                               register):
    event = _world(create_event, register)
    auth.login_organiser()
    response = client.get(f"/organiser/events/{event.slug}/export/participants.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Organisation"]
    assert values[1:] == [["'=HYPERLINK(\"http://evil\")", "Netzwerk Süd"]]


def test_unknown_export_is_404_and_participants_get_none(client, auth, create_event, register):
    event = _world(create_event, register)
    person = register(event)
    auth.login_organiser()
    assert client.get(f"/organiser/events/{event.slug}/export/secrets.csv").status_code == 404
    assert client.get(f"/organiser/events/{event.slug}/export/participants.pdf").status_code \
        == 404
    auth.login_participant(person.user)
    assert client.get(f"/organiser/events/{event.slug}/export/registrations.csv").status_code \
        == 403


def test_calendars_of_the_event_and_of_the_participant(client, auth, create_event, register):
    event = create_event(sessions=(("Weiterbildung etablieren", 10), ("Andere", 10)))
    person = register(event, session_ids=[sessions_of(event)[0].id])
    public = client.get(f"/events/{event.slug}/agenda.ics")
    text = public.data.decode()
    assert public.mimetype == "text/calendar" and text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2 and "SUMMARY:Breakouts" in text
    auth.login_participant(person.user)
    mine = client.get(f"/events/{event.slug}/me/agenda.ics").data.decode()
    assert "Breakouts: Weiterbildung etablieren" in mine.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in mine.split("\r\n"))


def test_control_characters_already_stored_do_not_break_the_exports(client, auth, create_event,
                                                                   register):
    event = create_event()
    register(event, name="Bell\x07 Ringer", organisation="Netz\x1bwerk", public_listing=True)
    auth.login_organiser()
    for table in ("registrations", "participants"):
        for file_format in ("csv", "xlsx"):
            response = client.get(f"/organiser/events/{event.slug}/export/{table}.{file_format}")
            assert response.status_code == 200, (table, file_format)
        sheet = load_workbook(io.BytesIO(response.data)).active
        assert sheet["A2"].value == "Bell\ufffd Ringer"


@pytest.mark.parametrize(("lang", "registered", "arrived"), [
    ("de", "20.10.22, 10:30", "20.10.22, 14:05"),
    ("en", "10/20/22, 10:30\u202fAM", "10/20/22, 2:05\u202fPM")])
def test_export_times_are_berlin_time_in_the_readers_language(client, auth, create_event,
                                                              register, lang, registered, arrived):
    event = create_event()
    person = register(event)
    with write_transaction():  # 08:30 and 12:05 UTC are 10:30 and 14:05 in Berlin (summer)
        db.session.execute(update(Registration).where(Registration.id == person.id).values(
            created_at=datetime(2022, 10, 20, 8, 30, tzinfo=UTC),
            checked_in_at=datetime(2022, 10, 20, 12, 5, tzinfo=UTC)))
    auth.login_organiser()
    client.post("/auth/language", data={"lang": lang})
    url = f"/organiser/events/{event.slug}/export/registrations"
    rows = list(csv.reader(io.StringIO(client.get(f"{url}.csv").data.decode("utf-8-sig")),
                           delimiter=";"))
    assert (rows[1][5], rows[1][7]) == (arrived, registered)
    sheet = load_workbook(io.BytesIO(client.get(f"{url}.xlsx").data)).active
    # Excel holds date cells, in Berlin time whatever the language (tests/app/test_small_things)
    assert (sheet["F2"].value, sheet["H2"].value) == (datetime(2022, 10, 20, 14, 5),
                                                      datetime(2022, 10, 20, 10, 30))
