"""Names that lie about their text (issue 34, item 12): bidirectional overrides and isolates
(U+202E turns "Eva" + "txt.exe" around) and names of only invisible characters (zero-width
spaces). The shared form base refuses them in every form; guest lists refuse them; what was
stored before is defused in the exports (CSV, Excel, calendar)."""

import io

import pytest
from openpyxl import load_workbook

from eventapp.invitations import services as invitations
from eventapp.registration.models import RegistrationRequest

from ..helpers import EVENT_FORM, count_rows

LIARS = ["Eva \u202eexe.txt", "\u2066Admin\u2069", "Max \u202dMuster", "Lea\u202b"]
BLANKS = ["\u200b", "\u200b\u200c\u200d", "\ufeff\u2060", "\u3164", " \u200b "]


@pytest.mark.parametrize("name", LIARS + BLANKS)
def test_the_registration_form_refuses_them(client, create_event, name):
    event = create_event(sessions=())

    response = client.post(f"/events/{event.slug}/register", data={
        "name": name, "email": "eva@example.org", "consent": "y"})

    assert response.status_code == 422
    assert count_rows(RegistrationRequest) == 0


@pytest.mark.parametrize("name", ["Zoë Ørsted-Çelik", "محمد عبد الله", "José\u200dMaría",
                                  "李小龍"])
def test_real_names_of_any_script_pass(client, create_event, name):
    event = create_event(sessions=())

    response = client.post(f"/events/{event.slug}/register", data={
        "name": name, "email": "eva@example.org", "consent": "y"})

    assert response.status_code == 302


def test_an_organiser_form_refuses_them_too(orga):
    for title in (LIARS[0], BLANKS[1]):
        response = orga.post("/organiser/events/new", data={**EVENT_FORM, "title": title})
        assert response.status_code == 422, repr(title)


@pytest.mark.parametrize("name", [LIARS[0], BLANKS[0]])
def test_a_guest_list_refuses_them(organiser, create_event, name):
    event = create_event()

    with pytest.raises(invitations.GuestListInvalid):
        invitations.add_guests(organiser, event, text=f"{name};gast@example.org")

    assert invitations.guests_of(event) == []


def test_names_stored_before_are_defused_in_the_exports(orga, create_event, register):
    event = create_event()
    register(event, name="Eva \u202eexe.txt", organisation="\u2066Netz\u2069werk",
             public_listing=True)
    for table in ("registrations", "participants"):
        csv = orga.get(f"/organiser/events/{event.slug}/export/{table}.csv")
        xlsx = orga.get(f"/organiser/events/{event.slug}/export/{table}.xlsx")
        assert csv.status_code == 200 and xlsx.status_code == 200
        text = csv.data.decode("utf-8-sig")
        assert "Eva \ufffdexe.txt" in text
        assert not any(mark in text for mark in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
        sheet = load_workbook(io.BytesIO(xlsx.data)).active
        assert sheet["A2"].value == "Eva \ufffdexe.txt"
