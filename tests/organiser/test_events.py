"""The organiser's events: the list, a new event in Berlin time, editing, status, anonymising,
a copy of last year's meeting, and the registrations of an event. A good request saves and
audits; a bad one says what is wrong next to the field (4xx) and loses nothing saved.
"""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from eventapp.breakouts.models import BreakoutSession
from eventapp.breakouts.services import sessions_by_slot
from eventapp.events import services as events
from eventapp.events.models import AgendaItem, Event
from eventapp.extensions import db
from eventapp.registration.models import Registration

from ..helpers import (
    BERLIN_SUMMER,
    EVENT_FORM,
    assert_audited,
    audit_rows,
    count_rows,
    field_error,
    reloaded,
    sessions_of,
    soon,
    stored_utc,
)

BERLIN_WINTER = "2027-12-01T09:00"  # CET, UTC+1


# --- index --------------------------------------------------------------------------------


def test_index_lists_every_event_newest_first_with_status_and_count(orga, create_event,
                                                                   register):
    old = create_event(title="Treffen 2019", starts_at=soon(days=-900))
    new = create_event(title="Treffen 2027", starts_at=soon(days=60), capacity=150)
    draft = create_event(title="Entwurf 2028", starts_at=soon(days=400), published=False)
    register(new)
    register(new)

    response = orga.get("/organiser/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index(draft.title) < page.index(new.title) < page.index(old.title)
    assert "Entwurf" in page and "Veröffentlicht" in page  # status badges
    assert "2 / 150" in page
    assert f'href="/organiser/events/{new.slug}/"' in page


def test_index_without_events_invites_to_create_one(orga):
    page = orga.get("/organiser/").get_data(as_text=True)
    assert 'href="/organiser/events/new"' in page
    assert "<table" not in page


# --- new event ----------------------------------------------------------------------------


def test_new_event_form_has_local_datetime_inputs(orga):
    response = orga.get("/organiser/events/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'type="datetime-local"' in page and 'name="starts_at"' in page
    assert 'name="csrf_token"' in page


def test_new_event_is_a_draft_with_berlin_times_stored_in_utc(orga, organiser):
    response = orga.post("/organiser/events/new", data=EVENT_FORM)

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/organiser/events/clustertreffen-2027/")
    event = db.session.scalar(select(Event))
    assert (event.title, event.status, event.year, event.capacity) == (
        "Clustertreffen 2027", "draft", 2027, 200)
    assert event.starts_at == datetime(2027, 10, 20, 7, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 10, 20, 15, 0, tzinfo=UTC)
    assert event.registration_opens_at == datetime(2027, 5, 31, 22, 0, tzinfo=UTC)
    assert stored_utc("events", "starts_at", event.id) == datetime(2027, 10, 20, 7, 0)
    assert_audited("event.created", organiser, event.id, slug="clustertreffen-2027")
    assert "als Entwurf angelegt" in orga.get(response.headers["Location"]).get_data(as_text=True)
    # A draft is not public yet.
    assert orga.get("/events/clustertreffen-2027/").status_code == 404


def test_winter_time_is_one_hour_ahead_of_utc(orga):
    orga.post("/organiser/events/new", data={**EVENT_FORM, "starts_at": BERLIN_WINTER,
                                              "ends_at": "2027-12-01T17:00",
                                              "registration_closes_at": ""})
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2027, 12, 1, 8, 0, tzinfo=UTC)
    assert event.registration_closes_at is None


def test_the_year_is_the_berlin_year(orga):
    orga.post("/organiser/events/new", data={**EVENT_FORM, "starts_at": "2028-01-01T00:30",
                                              "ends_at": "2028-01-01T03:00",
                                              "registration_closes_at": ""})
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2027, 12, 31, 23, 30, tzinfo=UTC)
    assert event.year == 2028


def test_new_event_without_optional_fields(orga):
    required = {k: EVENT_FORM[k] for k in ("title", "slug", "starts_at", "ends_at", "format")}
    assert orga.post("/organiser/events/new", data=required).status_code == 303
    event = db.session.scalar(select(Event))
    assert (event.motto, event.venue, event.online_link, event.capacity) == ("", "", "", None)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "", "Dieses Feld"),
    ("slug", "Kein Slug!", "a–z, 0–9"),
    ("starts_at", "gestern", ""),
    ("ends_at", "2027-10-20T08:00", "muss nach ihrem Beginn enden"),
    ("ends_at", BERLIN_SUMMER, "muss nach ihrem Beginn enden"),
    ("format", "party", ""),
    ("online_link", "kein link", ""),
    ("capacity", "0", ""),
    ("registration_closes_at", "2027-05-01T00:00", "Anmeldeschluss muss nach dem Anmeldebeginn"),
])
def test_bad_new_event_shows_the_error_next_to_the_field_and_saves_nothing(
        orga, field, value, message):
    response = orga.post("/organiser/events/new", data={**EVENT_FORM, field: value})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(page, field)
    assert field_error(page, field).strip()
    assert 'value="Berlin"' in page  # what was typed stays
    assert count_rows(Event) == 0 and audit_rows("event.created") == []


def test_a_slug_in_use_is_refused(orga, create_event):
    taken = create_event(title="Das erste")
    response = orga.post("/organiser/events/new", data={**EVENT_FORM, "slug": taken.slug})
    assert response.status_code == 422
    assert "verwendet diesen Kurznamen bereits" in response.get_data(as_text=True)
    assert count_rows(Event) == 1
    assert len(audit_rows("event.created")) == 1  # the factory's own
    assert reloaded(taken).title == "Das erste"


# --- edit event ---------------------------------------------------------------------------


def _create_via_form(orga) -> Event:
    assert orga.post("/organiser/events/new", data=EVENT_FORM).status_code == 303
    return db.session.scalar(select(Event))


def test_edit_form_shows_the_stored_times_in_berlin_time(orga):
    event = _create_via_form(orga)
    page = orga.get(f"/organiser/events/{event.slug}/edit").get_data(as_text=True)
    assert f'value="{BERLIN_SUMMER}"' in page
    assert 'value="2027-10-20T17:00"' in page
    assert 'value="Clustertreffen 2027"' in page


def test_edit_event_saves_changes_and_may_change_the_slug(orga, organiser):
    event = _create_via_form(orga)

    response = orga.post(f"/organiser/events/{event.slug}/edit",
                         data={**EVENT_FORM, "title": "Jahrestreffen 2027",
                               "slug": "jahrestreffen-2027", "starts_at": "2027-10-20T10:00"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/organiser/events/jahrestreffen-2027/")
    event = reloaded(event)
    assert (event.title, event.slug) == ("Jahrestreffen 2027", "jahrestreffen-2027")
    assert event.starts_at == datetime(2027, 10, 20, 8, 0, tzinfo=UTC)
    row = assert_audited("event.updated", organiser, event.id)
    assert set(row.details["fields"]) == {"title", "slug", "starts_at"}


def test_bad_edit_keeps_the_saved_event(orga):
    event = _create_via_form(orga)

    response = orga.post(f"/organiser/events/{event.slug}/edit",
                         data={**EVENT_FORM, "title": "Nachher", "ends_at": "2027-10-19T09:00"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nach ihrem Beginn" in field_error(page, "ends_at")
    assert 'value="Nachher"' in page
    event = reloaded(event)
    assert event.title == "Clustertreffen 2027"
    assert event.ends_at == datetime(2027, 10, 20, 15, 0, tzinfo=UTC)
    assert audit_rows("event.updated") == []


def test_capacity_below_the_registered_count_is_refused(orga, create_event, register):
    event = create_event(capacity=10)
    for _ in range(3):
        register(event)
    values = {**EVENT_FORM, "slug": event.slug, "capacity": "2"}

    response = orga.post(f"/organiser/events/{event.slug}/edit", data=values)

    assert response.status_code == 422
    assert "nicht unter der Zahl der bereits Angemeldeten" in response.get_data(as_text=True)
    assert reloaded(event).capacity == 10
    assert audit_rows("event.updated") == []


def test_edit_of_an_unknown_event_is_404(orga):
    assert orga.get("/organiser/events/gibt-es-nicht/edit").status_code == 404
    assert orga.post("/organiser/events/gibt-es-nicht/edit", data=EVENT_FORM).status_code == 404
    assert orga.get("/organiser/events/gibt-es-nicht/").status_code == 404
    assert count_rows(Event) == 0


# --- event overview and status ------------------------------------------------------------


def test_overview_shows_agenda_breakouts_finalists_and_latest_changes(orga, create_event):
    event = create_event(title="Übersicht", finalists=2, published=False)
    page = orga.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    assert "Übersicht" in page and "Entwurf" in page
    assert "Weiterbildung" in page and "0 von 10 Plätzen belegt" in page
    assert "Netzwerk 1" in page and "Netzwerk 2" in page
    # In words, not codes (issue 35, item 9)
    assert "Veranstaltung angelegt" in page and "Finalist angelegt" in page
    assert "event.created" not in page and "finalist.created" not in page


@pytest.mark.parametrize("status", ["published", "draft", "archived"])
def test_status_changes_are_saved_and_audited(orga, organiser, create_event, status):
    event = create_event(published=False)
    other = "draft" if status != "draft" else "published"
    events.set_event_status(organiser, event, other)

    response = orga.post(f"/organiser/events/{event.slug}/status", data={"status": status})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/organiser/events/{event.slug}/")
    assert reloaded(event).status == status
    rows = [r for r in audit_rows("event.status") if r.details["after"] == status]
    assert len(rows) == 1 and rows[0].details["before"] == other
    assert rows[0].actor_id == organiser.id and rows[0].event_id == event.id
    public = orga.get(f"/events/{event.slug}/").status_code
    assert public == (200 if status == "published" else 404)


def test_an_unknown_status_is_refused(orga, create_event):
    event = create_event()
    before = len(audit_rows())

    response = orga.post(f"/organiser/events/{event.slug}/status", data={"status": "deleted"})

    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Eingaben" in response.get_data(as_text=True)
    assert reloaded(event).status == "published"
    assert len(audit_rows()) == before
    assert orga.post("/organiser/events/gibt-es-nicht/status",
                     data={"status": "draft"}).status_code == 404


def test_an_archived_event_is_anonymised(orga, organiser, create_event, register):
    event = create_event()
    person = register(event, name="Anna Schmidt").user
    events.set_event_status(organiser, event, "archived")

    response = orga.post(f"/organiser/events/{event.slug}/anonymise", data={})

    assert response.status_code == 303
    assert reloaded(person).name != "Anna Schmidt"
    assert reloaded(event).registered_count == 1  # counts stay
    assert_audited("event.anonymised", organiser, event.id, people=1)


def test_a_running_event_is_not_anonymised(orga, create_event, register):
    event = create_event()
    person = register(event, name="Anna Schmidt").user

    response = orga.post(f"/organiser/events/{event.slug}/anonymise", data={})

    assert response.status_code == 409
    assert "archivierte" in response.get_data(as_text=True)
    assert reloaded(person).name == "Anna Schmidt"
    assert audit_rows("event.anonymised") == []


# --- a new meeting from last year's ---------------------------------------------------------


def test_copy_takes_agenda_breakouts_and_settings_but_no_people(client, auth, create_event,
                                                               register):
    source = create_event(capacity=80, format="hybrid", venue="Berlin",
                          sessions=(("Weiterbildung", 12), ("Wertschöpfung", 8)))
    register(source, attendance_mode="in_person")
    auth.login_organiser()
    response = client.post(f"/organiser/events/{source.slug}/copy", data={
        "title": "Clustertreffen 2028", "slug": "clustertreffen-2028",
        "starts_at": "2028-10-19T10:00"})
    assert response.status_code == 303
    copy = db.session.scalar(select(Event).where(Event.slug == "clustertreffen-2028"))
    assert (copy.status, copy.capacity, copy.venue, copy.format) == ("draft", 80, "Berlin",
                                                                     "hybrid")
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)
                             .where(AgendaItem.event_id == copy.id)) == 1
    titles = sorted(s.title for _slot, sessions in sessions_by_slot(copy) for s in sessions)
    assert titles == ["Weiterbildung", "Wertschöpfung"]
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.event_id == copy.id)) == 0
    assert all(s.seats_taken == 0 for s in db.session.scalars(
        select(BreakoutSession).join(AgendaItem).where(AgendaItem.event_id == copy.id)))


def test_copy_with_a_taken_short_name_is_refused(client, auth, create_event):
    source = create_event()
    auth.login_organiser()
    response = client.post(f"/organiser/events/{source.slug}/copy", data={
        "title": "Noch eins", "slug": source.slug, "starts_at": "2028-10-19T10:00"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


# --- registrations ------------------------------------------------------------------------


def test_registrations_list_people_choices_and_counts_per_breakout(orga, create_event, register):
    event = create_event(sessions=(("Weiterbildung", 2), ("Wertschöpfung", 10)))
    first, second = sessions_of(event)
    register(event, name="Anna Schmidt", email="anna@example.org", session_ids=[first.id])
    register(event, name="Ben Yilmaz", session_ids=[first.id])
    register(event, name="Clara Becker", session_ids=[first.id])  # waitlisted in the session
    register(event, name="David Hoffmann", session_ids=[second.id])
    register(event, name="Elif Wagner")

    response = orga.get(f"/organiser/events/{event.slug}/registrations")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 Personen angemeldet" in page
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td></tr>', page)
    assert rows == [("Weiterbildung", "2", "2", "1"), ("Wertschöpfung", "1", "10", "0")]
    assert "anna@example.org" in page and "Elif Wagner" in page
    assert "Weiterbildung (Warteliste)" in page


def test_registrations_of_an_event_without_people(orga, create_event):
    event = create_event()
    page = orga.get(f"/organiser/events/{event.slug}/registrations").get_data(as_text=True)
    assert "niemand angemeldet" in page
    assert orga.get("/organiser/events/gibt-es-nicht/registrations").status_code == 404
