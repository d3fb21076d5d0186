"""Guest categories as German organisers name them (issue 34, items 18 and 19): Ehrengast,
Presse, Mitglied, Gast, Referent/in; a list may spell them in either language and any case;
an unknown one is named with the known ones; the desk shows a guest's category, a guest of
honour prominently. The stored values (GuestCategory) stay as they are."""

import io

import pytest

from eventapp.invitations import services as invitations
from eventapp.invitations.models import CATEGORY_LABELS, GuestCategory, Invitation
from eventapp.registration import services as registration

from ..helpers import count_rows


def _upload(orga, event, rows):
    data = "\n".join(";".join(row) for row in rows).encode("utf-8")
    return orga.post(f"/organiser/events/{event.slug}/guests",
                     data={"upload": (io.BytesIO(data), "gaeste.csv")},
                     content_type="multipart/form-data")


def test_the_stored_values_stay_as_they_are():
    assert [c.value for c in GuestCategory] == ["member", "guest", "vip", "press", "speaker"]


def test_the_categories_are_named_as_german_organisers_do(orga, create_event):
    event = create_event()

    page = orga.get(f"/organiser/events/{event.slug}/guests").get_data(as_text=True)

    for label in ("Ehrengast", "Presse", "Mitglied", "Gast", "Referent/in"):
        assert label in page
    assert "VIP" not in page
    orga.post("/auth/language", data={"lang": "en"})
    english = orga.get(f"/organiser/events/{event.slug}/guests").get_data(as_text=True)
    assert "Guest of honour" in english and "Speaker" in english


@pytest.mark.parametrize("spelling, category", [
    ("Ehrengast", "vip"), ("EHRENGAST", "vip"), ("ehrengäste", "vip"), ("VIP", "vip"),
    ("Guest of Honour", "vip"), ("guest of honor", "vip"), ("Presse", "press"),
    ("press", "press"), ("Medien", "press"), ("Mitglied", "member"), ("Member", "member"),
    ("Gast", "guest"), ("GUEST", "guest"), ("Referent/in", "speaker"),
    ("Referentin", "speaker"), ("Referent*in", "speaker"), ("Speaker", "speaker"),
    (" referent ", "speaker")])
def test_an_import_takes_the_usual_spellings_of_both_languages(orga, create_event, spelling,
                                                               category):
    event = create_event()

    response = _upload(orga, event, [("Name", "E-Mail", "Kategorie"),
                                     ("Anna Gast", "anna@example.org", spelling)])

    assert response.status_code == 303
    (guest,) = invitations.guests_of(event)
    assert guest.category == category


def test_an_unknown_category_is_named_with_the_known_ones(orga, create_event):
    event = create_event()

    response = _upload(orga, event, [("Name", "E-Mail", "Kategorie"),
                                     ("Anna Gast", "anna@example.org", "Sponsor")])

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("Zeile 2: unbekannte Kategorie „Sponsor“ (bekannt sind: Mitglied, Gast, Ehrengast, "
            "Presse, Referent/in)") in page
    assert count_rows(Invitation) == 0


def test_every_category_has_a_german_label(app):
    from flask_babel import force_locale

    with force_locale("de"):
        assert [str(CATEGORY_LABELS[c]) for c in GuestCategory] == [
            "Mitglied", "Gast", "Ehrengast", "Presse", "Referent/in"]


# --- the desk (item 19) ---------------------------------------------------------------------


def _invited_guest(event, email, name, category):
    return registration.register_invited(event, email=email, name=name, organisation="Stadt",
                                         locale="de", category=category).registration


def test_the_desk_shows_the_category_and_a_guest_of_honour_prominently(orga, create_event,
                                                                       register):
    event = create_event(format="in_person", venue="Leipzig")
    honour = _invited_guest(event, "ob@example.org", "Burkhard Jung", GuestCategory.VIP)
    _invited_guest(event, "presse@example.org", "Paula Presse", GuestCategory.PRESS)
    register(event, name="Pat Public")

    found = orga.get(f"/organiser/events/{event.slug}/checkin?q=u").get_data(as_text=True)

    assert "Ehrengast" in found and "Presse" in found
    assert 'class="guest-of-honour' in found

    checked_in = orga.post(f"/organiser/events/{event.slug}/checkin",
                           data={"registration_id": str(honour.id)})
    page = orga.get(checked_in.headers["Location"]).get_data(as_text=True)
    assert "Ehrengast: Burkhard Jung" in page  # the desk greets them as such
