"""The organiser's programme: agenda items and the breakout sessions in their slots."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.events import services as events
from eventapp.events.models import AgendaItem
from eventapp.extensions import db

from ..helpers import (
    AGENDA_FORM,
    BERLIN_SUMMER,
    assert_audited,
    audit_rows,
    count_rows,
    field_error,
    reloaded,
    sessions_of,
    stored_utc,
)

# --- agenda -------------------------------------------------------------------------------


@pytest.fixture
def bare_event(organiser):
    """A draft without agenda, on 20 October 2027 at 09:00 Berlin time."""
    return events.create_event(
        organiser, slug="bare", title="Bare", motto="", description="",
        starts_at=datetime(2027, 10, 20, 7, tzinfo=UTC),
        ends_at=datetime(2027, 10, 20, 15, tzinfo=UTC), format="online", venue="",
        online_link="", registration_opens_at=None, registration_closes_at=None, capacity=None)


def test_new_agenda_item_form_starts_at_the_event_start(orga, bare_event):
    response = orga.get(f"/organiser/events/{bare_event.slug}/agenda/new")
    assert response.status_code == 200
    assert f'value="{BERLIN_SUMMER}"' in response.get_data(as_text=True)


def test_agenda_item_is_added_in_berlin_time_and_shown_publicly(orga, organiser, bare_event):
    response = orga.post(f"/organiser/events/{bare_event.slug}/agenda/new", data=AGENDA_FORM)

    assert response.status_code == 303
    item = db.session.scalar(select(AgendaItem))
    assert (item.title, item.kind, item.speaker, item.affiliation) == (
        "Eröffnung", "opening", "Dr. Ole Janssen", "BMWK")
    assert item.starts_at == datetime(2027, 10, 20, 7, 0, tzinfo=UTC)
    assert stored_utc("agenda_items", "ends_at", item.id) == datetime(2027, 10, 20, 7, 15)
    assert_audited("agenda.created", organiser, bare_event.id, item=item.id, title="Eröffnung")
    events.set_event_status(organiser, bare_event, "published")
    public = orga.get(f"/events/{bare_event.slug}/").get_data(as_text=True)
    assert "Eröffnung" in public and "09:00" in public and "Dr. Ole Janssen, BMWK" in public


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "", "Dieses Feld"),
    ("kind", "party", ""),
    ("starts_at", "", "Dieses Feld"),
    ("ends_at", "2027-10-20T08:59", "nach seinem Beginn enden"),
])
def test_bad_agenda_item_is_refused_next_to_the_field(orga, bare_event, field, value, message):
    response = orga.post(f"/organiser/events/{bare_event.slug}/agenda/new",
                         data={**AGENDA_FORM, field: value})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(page, field) and field_error(page, field).strip()
    assert count_rows(AgendaItem) == 0 and audit_rows("agenda.created") == []


def test_agenda_item_is_edited(orga, organiser, bare_event):
    orga.post(f"/organiser/events/{bare_event.slug}/agenda/new", data=AGENDA_FORM)
    item = db.session.scalar(select(AgendaItem))
    url = f"/organiser/events/{bare_event.slug}/agenda/{item.id}/edit"
    page = orga.get(url).get_data(as_text=True)
    assert 'value="Eröffnung"' in page and f'value="{BERLIN_SUMMER}"' in page

    response = orga.post(url, data={**AGENDA_FORM, "title": "Begrüßung",
                                    "ends_at": "2027-10-20T09:30"})

    assert response.status_code == 303
    item = reloaded(item)
    assert item.title == "Begrüßung"
    assert item.ends_at == datetime(2027, 10, 20, 7, 30, tzinfo=UTC)
    assert_audited("agenda.updated", organiser, bare_event.id, item=item.id)


def test_bad_agenda_edit_keeps_the_item(orga, bare_event):
    orga.post(f"/organiser/events/{bare_event.slug}/agenda/new", data=AGENDA_FORM)
    item = db.session.scalar(select(AgendaItem))

    response = orga.post(f"/organiser/events/{bare_event.slug}/agenda/{item.id}/edit",
                         data={**AGENDA_FORM, "title": "Neu", "ends_at": "2027-10-20T08:00"})

    assert response.status_code == 422
    assert "nach seinem Beginn" in field_error(response.get_data(as_text=True), "ends_at")
    item = reloaded(item)
    assert (item.title, item.ends_at) == ("Eröffnung", datetime(2027, 10, 20, 7, 15, tzinfo=UTC))
    assert audit_rows("agenda.updated") == []


def test_unknown_agenda_items_and_items_of_other_events_are_404(orga, bare_event, create_event):
    other = create_event()
    foreign = sessions_of(other)[0].slot_id
    base = f"/organiser/events/{bare_event.slug}/agenda"
    for item_id in (99999, foreign):
        assert orga.get(f"{base}/{item_id}/edit").status_code == 404
        assert orga.post(f"{base}/{item_id}/edit", data=AGENDA_FORM).status_code == 404
        assert orga.post(f"{base}/{item_id}/delete", data={}).status_code == 404
    assert db.session.get(AgendaItem, foreign) is not None
    assert orga.get("/organiser/events/gibt-es-nicht/agenda/new").status_code == 404


def test_agenda_item_is_deleted(orga, organiser, bare_event):
    orga.post(f"/organiser/events/{bare_event.slug}/agenda/new", data=AGENDA_FORM)
    item = db.session.scalar(select(AgendaItem))
    item_id = item.id

    response = orga.post(f"/organiser/events/{bare_event.slug}/agenda/{item_id}/delete", data={})

    assert response.status_code == 303
    assert count_rows(AgendaItem) == 0
    assert_audited("agenda.deleted", organiser, bare_event.id, item=item_id)


def test_a_slot_with_breakout_sessions_is_not_deleted(orga, create_event):
    event = create_event()
    slot_id = sessions_of(event)[0].slot_id

    response = orga.post(f"/organiser/events/{event.slug}/agenda/{slot_id}/delete", data={})

    assert response.status_code == 409
    assert "Entfernen Sie zuerst die Breakout-Sessions" in response.get_data(as_text=True)
    assert db.session.get(AgendaItem, slot_id) is not None
    assert len(sessions_of(event)) == 2
    assert audit_rows("agenda.deleted") == []


# --- breakouts ----------------------------------------------------------------------------


def test_new_breakout_form_offers_the_breakout_slots_first(orga, organiser, create_event):
    event = create_event()
    slot_id = sessions_of(event)[0].slot_id
    events.add_agenda_item(organiser, event, starts_at=event.starts_at,
                           ends_at=event.starts_at + timedelta(minutes=15), kind="opening",
                           title="Eröffnung", speaker="", affiliation="")

    page = orga.get(f"/organiser/events/{event.slug}/breakouts/new").get_data(as_text=True)

    options = re.findall(r'<option[^>]*value="(\d+)"', page)
    assert options[0] == str(slot_id) and len(options) == 2


def test_breakout_is_added(orga, organiser, create_event):
    event = create_event(sessions=(("Weiterbildung", 10),))
    slot_id = sessions_of(event)[0].slot_id

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/new",
                         data={"slot_id": slot_id, "title": "Neue Geschäftsmodelle",
                               "description": "Erlösmodelle", "host": "Clara Becker",
                               "capacity": "25"})

    assert response.status_code == 303
    session = db.session.scalar(select(BreakoutSession)
                                .where(BreakoutSession.title == "Neue Geschäftsmodelle"))
    assert (session.slot_id, session.capacity, session.host, session.seats_taken) == (
        slot_id, 25, "Clara Becker", 0)
    row = [r for r in audit_rows("breakout.created") if r.details["session"] == session.id]
    assert len(row) == 1 and row[0].actor_id == organiser.id and row[0].event_id == event.id
    assert "Neue Geschäftsmodelle" in orga.get(f"/events/{event.slug}/").get_data(as_text=True)


def test_new_breakout_without_agenda_asks_for_a_slot_first(orga, bare_event):
    response = orga.get(f"/organiser/events/{bare_event.slug}/breakouts/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organiser/events/{bare_event.slug}/agenda/new")
    page = orga.get(response.headers["Location"]).get_data(as_text=True)
    assert "Legen Sie zuerst einen Programmpunkt" in page


@pytest.mark.parametrize(("field", "value"), [
    ("title", ""), ("capacity", "0"), ("capacity", "viele"), ("slot_id", "99999")])
def test_bad_new_breakout_is_refused_next_to_the_field(orga, create_event, field, value):
    event = create_event(sessions=(("Weiterbildung", 10),))
    values = {"slot_id": sessions_of(event)[0].slot_id, "title": "Neu", "capacity": "5",
              field: value}

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/new", data=values)

    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field).strip()
    assert count_rows(BreakoutSession) == 1
    assert len(audit_rows("breakout.created")) == 1  # the factory's


def test_breakout_is_edited_and_more_seats_seat_the_waitlist(orga, organiser, create_event,
                                                            register):
    event = create_event(sessions=(("Weiterbildung", 1),))
    session = sessions_of(event)[0]
    register(event, session_ids=[session.id])
    waiting = register(event, session_ids=[session.id])
    url = f"/organiser/events/{event.slug}/breakouts/{session.id}/edit"
    page = orga.get(url).get_data(as_text=True)
    assert 'value="Weiterbildung"' in page and 'value="1"' in page

    response = orga.post(url, data={"slot_id": session.slot_id, "title": "Weiterbildung etablieren",
                                    "description": "", "host": "", "capacity": "2"})

    assert response.status_code == 303
    session = reloaded(session)
    assert (session.title, session.capacity, session.seats_taken) == (
        "Weiterbildung etablieren", 2, 2)
    choice = db.session.scalar(select(BreakoutChoice)
                               .where(BreakoutChoice.registration_id == waiting.id))
    assert choice.status == "seated"
    assert_audited("breakout.updated", organiser, event.id, session=session.id)


def test_capacity_below_the_seats_taken_is_refused(orga, create_event, register):
    event = create_event(sessions=(("Weiterbildung", 5),))
    session = sessions_of(event)[0]
    for _ in range(3):
        register(event, session_ids=[session.id])

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/{session.id}/edit",
                         data={"slot_id": session.slot_id, "title": "Umbenannt", "capacity": "2"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nicht unter der Zahl der bereits belegten Plätze" in page
    assert 'value="Umbenannt"' in page  # what was typed stays in the form
    session = reloaded(session)
    assert (session.title, session.capacity, session.seats_taken) == ("Weiterbildung", 5, 3)
    assert audit_rows("breakout.updated") == []


def test_a_chosen_session_does_not_move_to_another_slot(orga, organiser, create_event, register):
    event = create_event(sessions=(("Weiterbildung", 5),))
    session = sessions_of(event)[0]
    register(event, session_ids=[session.id])
    slot_id = session.slot_id
    later = events.add_agenda_item(organiser, event, starts_at=event.starts_at + timedelta(hours=3),
                                   ends_at=event.starts_at + timedelta(hours=4), kind="breakouts",
                                   title="Zweite Runde", speaker="", affiliation="")

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/{session.id}/edit",
                         data={"slot_id": later.id, "title": "Weiterbildung", "capacity": "6"})

    assert response.status_code == 409
    assert "nicht in ein anderes Zeitfenster" in response.get_data(as_text=True)
    session = reloaded(session)
    assert (session.slot_id, session.capacity) == (slot_id, 5)
    assert audit_rows("breakout.updated") == []


def test_breakout_nobody_chose_is_deleted(orga, organiser, create_event):
    event = create_event()
    session = sessions_of(event)[0]
    session_id = session.id

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/{session_id}/delete", data={})

    assert response.status_code == 303
    assert db.session.get(BreakoutSession, session_id) is None
    assert_audited("breakout.deleted", organiser, event.id, session=session_id)


def test_a_chosen_breakout_is_not_deleted(orga, create_event, register):
    event = create_event()
    session = sessions_of(event)[0]
    register(event, session_ids=[session.id])

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/{session.id}/delete", data={})

    assert response.status_code == 409
    assert "sie kann nicht gelöscht werden" in response.get_data(as_text=True)
    assert reloaded(session).seats_taken == 1
    assert audit_rows("breakout.deleted") == []


def test_unknown_breakouts_and_breakouts_of_other_events_are_404(orga, create_event):
    event = create_event()
    foreign = sessions_of(create_event())[0]
    base = f"/organiser/events/{event.slug}/breakouts"
    values = {"slot_id": sessions_of(event)[0].slot_id, "title": "x", "capacity": "5"}
    for session_id in (99999, foreign.id):
        assert orga.get(f"{base}/{session_id}/edit").status_code == 404
        assert orga.post(f"{base}/{session_id}/edit", data=values).status_code == 404
        assert orga.post(f"{base}/{session_id}/delete", data={}).status_code == 404
    assert reloaded(foreign).title == "Weiterbildung"
    assert orga.get("/organiser/events/gibt-es-nicht/breakouts/new").status_code == 404


