"""Small things seen while replaying real meetings (issue 34, item 23): German grammar,
plural forms, the calendar's Content-Type, dates in the Excel export, a receipt example
that looks like a receipt, and a check-in helper on the networks page."""

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import update

from eventapp.awards import receipts
from eventapp.database import write_transaction
from eventapp.extensions import db
from eventapp.registration.models import Registration

from ..helpers import STAFF_PASSWORD


def test_headings_and_subjects_read_as_german_whatever_the_title(client, create_event):
    event = create_event(title="Jahrestreffen 2027")

    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)

    assert "Anmeldung zu Jahrestreffen" not in page
    assert "Anmeldung: Jahrestreffen 2027" in page


def test_the_sign_in_page_addresses_the_reader(client):
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert "aus Ihrer Bestätigungs-E-Mail" in page and "aus ihrer" not in page


def test_turnout_uses_plural_forms(app):
    from flask import render_template_string

    template = ("{{ ngettext('%(votes)s of %(eligible)s participants voted', "
                "'%(votes)s of %(eligible)s participants voted', votes, votes=votes, "
                "eligible=61) }}")
    with app.test_request_context(), force_locale("de"):
        assert render_template_string(template, votes=1) == (
            "1 von 61 Teilnehmenden hat abgestimmt")
        assert render_template_string(template, votes=2) == (
            "2 von 61 Teilnehmenden haben abgestimmt")


def test_the_turnout_on_the_pages_agrees_with_one_vote(app):
    root = Path(__file__).parents[2] / "templates"
    sources = "".join((root / path).read_text(encoding="utf-8")
                      for path in ("live/_stage.html", "awards/results.html"))
    assert '_("%(votes)s of %(eligible)s' not in sources  # ngettext, so one vote reads "hat"


def test_calendars_name_their_charset_once(client, create_event):
    event = create_event()
    response = client.get(f"/events/{event.slug}/agenda.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_the_csv_export_names_its_charset_once(orga, create_event):
    event = create_event()
    response = orga.get(f"/organiser/events/{event.slug}/export/registrations.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_excel_export_stores_dates_as_date_cells(orga, create_event, register):
    event = create_event()
    person = register(event)
    with write_transaction():  # 08:30 UTC is 10:30 in Berlin (summer)
        db.session.execute(update(Registration).where(Registration.id == person.id).values(
            created_at=datetime(2022, 10, 20, 8, 30, tzinfo=UTC)))

    response = orga.get(f"/organiser/events/{event.slug}/export/registrations.xlsx")

    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["H1"].value == "Angemeldet am"
    cell = sheet["H2"]
    assert cell.value == datetime(2022, 10, 20, 10, 30)
    assert cell.number_format == "DD.MM.YYYY HH:MM"
    assert sheet["F2"].value is None  # not checked in: an empty cell


def test_the_receipt_example_looks_like_a_receipt(client, runner, organiser):
    example = getattr(receipts, "RECEIPT_EXAMPLE", "ABCDE-23456")
    assert receipts.normalise_receipt(example) == example
    symbols = example.replace("-", "")
    assert set(symbols) <= set(receipts.RECEIPT_ALPHABET)
    assert not any(symbols[i:i + 3] in receipts.RECEIPT_ALPHABET for i in range(8))  # no ABC
    seeded = runner.invoke(args=["seed", "demo", "--participants", "6", "--voted"])
    assert seeded.exit_code == 0, seeded.output
    page = client.get("/events/clustertreffen-2022/results").get_data(as_text=True)
    assert example in page and "ABCDE-23456" not in page


def test_check_in_staff_on_the_networks_page_are_pointed_to_their_meetings(client,
                                                                           two_networks):
    client.post("/auth/login", data={"email": "checkin@example.org",
                                     "password": STAFF_PASSWORD})

    page = client.get("/organiser/networks/").get_data(as_text=True)

    assert "Noch keine Netzwerke" not in page
    assert "Sie arbeiten in keinem Netzwerk mit" in page
    assert re.search(r'href="/organiser/"', page)
