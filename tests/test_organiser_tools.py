"""The dashboard, the audit log with filters, and a new meeting copied from last year's."""

from sqlalchemy import func, select

from eventapp.awards import voting
from eventapp.breakouts.models import BreakoutSession
from eventapp.breakouts.services import sessions_by_slot
from eventapp.events.models import AgendaItem, Event
from eventapp.extensions import db
from eventapp.registration.models import Registration

from .conftest import sessions_of


def test_dashboard_shows_registrations_seats_checkins_and_turnout(client, auth, create_event,
                                                                  register, organiser):
    event = create_event(finalists=2, sessions=(("Weiterbildung", 4),))
    people = [register(event, session_ids=[sessions_of(event)[0].id]) for _ in range(3)]
    poll = voting.create_poll(organiser, event, "Preis 2027")
    voting.open_poll(organiser, poll)
    voting.cast_vote(poll, people[0].user, poll.candidates[0].id)
    voting.close_poll(organiser, poll)
    auth.login_organiser()
    page = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert page.count("<svg") == 3 and "Weiterbildung" in page and "Preis 2027" in page
    assert 'width="75.0"' in page  # 3 of 4 seats


def test_audit_log_filters_by_kind_and_person(client, auth, create_event, organiser):
    event = create_event()
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}/audit"
    everything = client.get(url).get_data(as_text=True)
    assert "event.created" in everything and "breakout.created" in everything
    only_breakouts = client.get(f"{url}?action=breakout").get_data(as_text=True)
    assert "breakout.created" in only_breakouts and "event.created" not in only_breakouts
    nobody = client.get(f"{url}?actor=99999").get_data(as_text=True)
    assert "event.created" not in nobody
    assert client.get(f"{url}?actor=abc").status_code == 200


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
