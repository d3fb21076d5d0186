"""The organiser blueprint, route by route: what a good request saves (and audits), what a bad
one says (next to the field, with a 4xx) without losing what was saved, who may not come in,
and that a POST without a CSRF token changes nothing.
"""

import io
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import DateTime, func, select, text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eventapp import create_app
from eventapp.audit.models import AuditLog
from eventapp.awards import ballots, polls
from eventapp.awards.finalists import finalists_of, set_team_member
from eventapp.awards.hall_of_fame import add_past_winner
from eventapp.awards.models import Finalist, FinalistTeamMember
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.events import services as events
from eventapp.events.models import AgendaItem, Event
from eventapp.extensions import db

from .helpers import count_rows, sessions_of, soon

BERLIN_SUMMER = "2027-10-20T09:00"  # CEST, UTC+2
BERLIN_WINTER = "2027-12-01T09:00"  # CET, UTC+1
EVENT_FORM = {"title": "Clustertreffen 2027", "slug": "clustertreffen-2027",
              "motto": "Transformation", "description": "Das Jahrestreffen.",
              "starts_at": BERLIN_SUMMER, "ends_at": "2027-10-20T17:00", "format": "hybrid",
              "venue": "Berlin", "online_link": "https://meet.example.org/x",
              "registration_opens_at": "2027-06-01T00:00",
              "registration_closes_at": "2027-10-19T12:00", "capacity": "200"}
AGENDA_FORM = {"title": "Eröffnung", "kind": "opening", "starts_at": BERLIN_SUMMER,
               "ends_at": "2027-10-20T09:15", "speaker": "Dr. Ole Janssen", "affiliation": "BMWK"}
FINALIST_FORM = {"organisation": "Netzwerk Industrie RuhrOst e. V. (NIRO)",
                 "project_title": "Nachhaltigkeit ins Netzwerk bringen",
                 "summary": "Projekt NaLiMa", "presenter": "Ingrid Lange", "pitch_order": "1",
                 "pitch_seconds": "180"}


# --- helpers ------------------------------------------------------------------------------




def _audit(action: str | None = None) -> list[AuditLog]:
    query = select(AuditLog).order_by(AuditLog.id)
    if action:
        query = query.where(AuditLog.action == action)
    return list(db.session.scalars(query))


def _assert_audited(action: str, organiser, event_id, **details) -> AuditLog:
    """Exactly one audit row of this action, by the organiser, about the event, just now."""
    rows = _audit(action)
    assert len(rows) == 1, [r.action for r in _audit()]
    row = rows[0]
    assert row.actor_id == organiser.id
    assert row.event_id == event_id
    assert datetime.now(UTC) - row.created_at < timedelta(minutes=1)
    for key, value in details.items():
        assert row.details[key] == value, (key, row.details)
    return row


def _field_error(page: str, field: str) -> str:
    """The error text shown next to a form field (its id is `<field>-error`)."""
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert match, f"no error next to {field}"
    return match.group(1)


def _reload(instance):
    db.session.expire_all()
    return db.session.get(type(instance), instance.id)


def _stored_utc(table: str, column: str, row_id: int) -> datetime:
    """The naive UTC value as it sits in the database, read without the model's type."""
    query = text(f"SELECT {column} FROM {table} WHERE id = :id").columns(
        **{column: DateTime()})
    return db.session.execute(query, {"id": row_id}).scalar_one()


def image_bytes(fmt: str = "PNG", size=(300, 200), colour="#0b5d7a") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def _big_png() -> bytes:
    """A real PNG of more than 2 MB (noise does not compress)."""
    image = Image.frombytes("RGB", (1000, 800), os.urandom(1000 * 800 * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=0)
    data = out.getvalue()
    assert 2 * 1024 * 1024 < len(data) < 4 * 1024 * 1024
    return data


def _multipart(client, url, fields: dict, logo: tuple[bytes, str] | None = None):
    """POST a multipart form with an optional logo, encoded in memory.

    (Werkzeug's test client spools bodies over 500 kB to a temporary file that it never
    closes, which filterwarnings=error turns into a failure.)
    """
    values = {**fields, "csrf_token": client.csrf_token()}
    if logo is not None:
        data, name = logo
        values["logo"] = FileStorage(io.BytesIO(data), filename=name,
                                     content_type="application/octet-stream")
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _logo_bytes(client, finalist_id: int) -> bytes | None:
    response = client.get(f"/finalists/{finalist_id}/logo.png")
    return response.data if response.status_code == 200 else None


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
    assert _stored_utc("events", "starts_at", event.id) == datetime(2027, 10, 20, 7, 0)
    _assert_audited("event.created", organiser, event.id, slug="clustertreffen-2027")
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
    assert message in _field_error(page, field)
    assert _field_error(page, field).strip()
    assert 'value="Berlin"' in page  # what was typed stays
    assert count_rows(Event) == 0 and _audit("event.created") == []


def test_a_slug_in_use_is_refused(orga, create_event):
    taken = create_event(title="Das erste")
    response = orga.post("/organiser/events/new", data={**EVENT_FORM, "slug": taken.slug})
    assert response.status_code == 422
    assert "verwendet diesen Kurznamen bereits" in response.get_data(as_text=True)
    assert count_rows(Event) == 1
    assert len(_audit("event.created")) == 1  # the factory's own
    assert _reload(taken).title == "Das erste"


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
    event = _reload(event)
    assert (event.title, event.slug) == ("Jahrestreffen 2027", "jahrestreffen-2027")
    assert event.starts_at == datetime(2027, 10, 20, 8, 0, tzinfo=UTC)
    row = _assert_audited("event.updated", organiser, event.id)
    assert set(row.details["fields"]) == {"title", "slug", "starts_at"}


def test_bad_edit_keeps_the_saved_event(orga):
    event = _create_via_form(orga)

    response = orga.post(f"/organiser/events/{event.slug}/edit",
                         data={**EVENT_FORM, "title": "Nachher", "ends_at": "2027-10-19T09:00"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nach ihrem Beginn" in _field_error(page, "ends_at")
    assert 'value="Nachher"' in page
    event = _reload(event)
    assert event.title == "Clustertreffen 2027"
    assert event.ends_at == datetime(2027, 10, 20, 15, 0, tzinfo=UTC)
    assert _audit("event.updated") == []


def test_capacity_below_the_registered_count_is_refused(orga, create_event, register):
    event = create_event(capacity=10)
    for _ in range(3):
        register(event)
    values = {**EVENT_FORM, "slug": event.slug, "capacity": "2"}

    response = orga.post(f"/organiser/events/{event.slug}/edit", data=values)

    assert response.status_code == 422
    assert "nicht unter der Zahl der bereits Angemeldeten" in response.get_data(as_text=True)
    assert _reload(event).capacity == 10
    assert _audit("event.updated") == []


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
    assert "<code>event.created</code>" in page and "<code>finalist.created</code>" in page


@pytest.mark.parametrize("status", ["published", "draft", "archived"])
def test_status_changes_are_saved_and_audited(orga, organiser, create_event, status):
    event = create_event(published=False)
    other = "draft" if status != "draft" else "published"
    events.set_event_status(organiser, event, other)

    response = orga.post(f"/organiser/events/{event.slug}/status", data={"status": status})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/organiser/events/{event.slug}/")
    assert _reload(event).status == status
    rows = [r for r in _audit("event.status") if r.details["after"] == status]
    assert len(rows) == 1 and rows[0].details["before"] == other
    assert rows[0].actor_id == organiser.id and rows[0].event_id == event.id
    public = orga.get(f"/events/{event.slug}/").status_code
    assert public == (200 if status == "published" else 404)


def test_an_unknown_status_is_refused(orga, create_event):
    event = create_event()
    before = len(_audit())

    response = orga.post(f"/organiser/events/{event.slug}/status", data={"status": "deleted"})

    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Eingaben" in response.get_data(as_text=True)
    assert _reload(event).status == "published"
    assert len(_audit()) == before
    assert orga.post("/organiser/events/gibt-es-nicht/status",
                     data={"status": "draft"}).status_code == 404


def test_an_archived_event_is_anonymised(orga, organiser, create_event, register):
    event = create_event()
    person = register(event, name="Anna Schmidt").user
    events.set_event_status(organiser, event, "archived")

    response = orga.post(f"/organiser/events/{event.slug}/anonymise", data={})

    assert response.status_code == 303
    assert _reload(person).name != "Anna Schmidt"
    assert _reload(event).registered_count == 1  # counts stay
    _assert_audited("event.anonymised", organiser, event.id, people=1)


def test_a_running_event_is_not_anonymised(orga, create_event, register):
    event = create_event()
    person = register(event, name="Anna Schmidt").user

    response = orga.post(f"/organiser/events/{event.slug}/anonymise", data={})

    assert response.status_code == 409
    assert "archivierte" in response.get_data(as_text=True)
    assert _reload(person).name == "Anna Schmidt"
    assert _audit("event.anonymised") == []


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
    assert _stored_utc("agenda_items", "ends_at", item.id) == datetime(2027, 10, 20, 7, 15)
    _assert_audited("agenda.created", organiser, bare_event.id, item=item.id, title="Eröffnung")
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
    assert message in _field_error(page, field) and _field_error(page, field).strip()
    assert count_rows(AgendaItem) == 0 and _audit("agenda.created") == []


def test_agenda_item_is_edited(orga, organiser, bare_event):
    orga.post(f"/organiser/events/{bare_event.slug}/agenda/new", data=AGENDA_FORM)
    item = db.session.scalar(select(AgendaItem))
    url = f"/organiser/events/{bare_event.slug}/agenda/{item.id}/edit"
    page = orga.get(url).get_data(as_text=True)
    assert 'value="Eröffnung"' in page and f'value="{BERLIN_SUMMER}"' in page

    response = orga.post(url, data={**AGENDA_FORM, "title": "Begrüßung",
                                    "ends_at": "2027-10-20T09:30"})

    assert response.status_code == 303
    item = _reload(item)
    assert item.title == "Begrüßung"
    assert item.ends_at == datetime(2027, 10, 20, 7, 30, tzinfo=UTC)
    _assert_audited("agenda.updated", organiser, bare_event.id, item=item.id)


def test_bad_agenda_edit_keeps_the_item(orga, bare_event):
    orga.post(f"/organiser/events/{bare_event.slug}/agenda/new", data=AGENDA_FORM)
    item = db.session.scalar(select(AgendaItem))

    response = orga.post(f"/organiser/events/{bare_event.slug}/agenda/{item.id}/edit",
                         data={**AGENDA_FORM, "title": "Neu", "ends_at": "2027-10-20T08:00"})

    assert response.status_code == 422
    assert "nach seinem Beginn" in _field_error(response.get_data(as_text=True), "ends_at")
    item = _reload(item)
    assert (item.title, item.ends_at) == ("Eröffnung", datetime(2027, 10, 20, 7, 15, tzinfo=UTC))
    assert _audit("agenda.updated") == []


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
    _assert_audited("agenda.deleted", organiser, bare_event.id, item=item_id)


def test_a_slot_with_breakout_sessions_is_not_deleted(orga, create_event):
    event = create_event()
    slot_id = sessions_of(event)[0].slot_id

    response = orga.post(f"/organiser/events/{event.slug}/agenda/{slot_id}/delete", data={})

    assert response.status_code == 409
    assert "Entfernen Sie zuerst die Breakout-Sessions" in response.get_data(as_text=True)
    assert db.session.get(AgendaItem, slot_id) is not None
    assert len(sessions_of(event)) == 2
    assert _audit("agenda.deleted") == []


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
    row = [r for r in _audit("breakout.created") if r.details["session"] == session.id]
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
    assert _field_error(response.get_data(as_text=True), field).strip()
    assert count_rows(BreakoutSession) == 1
    assert len(_audit("breakout.created")) == 1  # the factory's


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
    session = _reload(session)
    assert (session.title, session.capacity, session.seats_taken) == (
        "Weiterbildung etablieren", 2, 2)
    choice = db.session.scalar(select(BreakoutChoice)
                               .where(BreakoutChoice.registration_id == waiting.id))
    assert choice.status == "seated"
    _assert_audited("breakout.updated", organiser, event.id, session=session.id)


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
    session = _reload(session)
    assert (session.title, session.capacity, session.seats_taken) == ("Weiterbildung", 5, 3)
    assert _audit("breakout.updated") == []


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
    session = _reload(session)
    assert (session.slot_id, session.capacity) == (slot_id, 5)
    assert _audit("breakout.updated") == []


def test_breakout_nobody_chose_is_deleted(orga, organiser, create_event):
    event = create_event()
    session = sessions_of(event)[0]
    session_id = session.id

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/{session_id}/delete", data={})

    assert response.status_code == 303
    assert db.session.get(BreakoutSession, session_id) is None
    _assert_audited("breakout.deleted", organiser, event.id, session=session_id)


def test_a_chosen_breakout_is_not_deleted(orga, create_event, register):
    event = create_event()
    session = sessions_of(event)[0]
    register(event, session_ids=[session.id])

    response = orga.post(f"/organiser/events/{event.slug}/breakouts/{session.id}/delete", data={})

    assert response.status_code == 409
    assert "sie kann nicht gelöscht werden" in response.get_data(as_text=True)
    assert _reload(session).seats_taken == 1
    assert _audit("breakout.deleted") == []


def test_unknown_breakouts_and_breakouts_of_other_events_are_404(orga, create_event):
    event = create_event()
    foreign = sessions_of(create_event())[0]
    base = f"/organiser/events/{event.slug}/breakouts"
    values = {"slot_id": sessions_of(event)[0].slot_id, "title": "x", "capacity": "5"}
    for session_id in (99999, foreign.id):
        assert orga.get(f"{base}/{session_id}/edit").status_code == 404
        assert orga.post(f"{base}/{session_id}/edit", data=values).status_code == 404
        assert orga.post(f"{base}/{session_id}/delete", data={}).status_code == 404
    assert _reload(foreign).title == "Weiterbildung"
    assert orga.get("/organiser/events/gibt-es-nicht/breakouts/new").status_code == 404


# --- finalists ----------------------------------------------------------------------------


def test_new_finalist_form_uploads_files(orga, create_event):
    event = create_event()
    page = orga.get(f"/organiser/events/{event.slug}/finalists/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    assert 'name="pitch_seconds"' in page and 'value="180"' in page


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "logo.png"), ("JPEG", "logo.jpg"),
                                           ("JPEG", "logo.jpeg")])
def test_finalist_with_a_logo_is_added_and_the_logo_reencoded_as_png(
        orga, organiser, client, create_event, fmt, name):
    event = create_event()
    upload = image_bytes(fmt, size=(1200, 800))

    response = _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
                          logo=(upload, name))

    assert response.status_code == 303
    finalist = db.session.scalar(select(Finalist))
    assert (finalist.organisation, finalist.pitch_order, finalist.pitch_seconds) == (
        FINALIST_FORM["organisation"], 1, 180)
    assert finalist.logo_version == 1
    logo = client.get(f"/finalists/{finalist.id}/logo.png")
    assert logo.status_code == 200 and logo.headers["Content-Type"] == "image/png"
    assert logo.data != upload
    with Image.open(io.BytesIO(logo.data)) as served:
        assert served.format == "PNG"
        assert served.size == (600, 400)  # fitted into 600 × 600
    _assert_audited("finalist.created", organiser, event.id, finalist=finalist.id,
                    organisation=FINALIST_FORM["organisation"])


def test_finalist_without_logo_and_pitch_order_goes_last(orga, create_event):
    event = create_event(finalists=2)
    values = {**FINALIST_FORM, "pitch_order": ""}
    assert orga.post(f"/organiser/events/{event.slug}/finalists/new", data=values).status_code \
        == 303
    newest = finalists_of(event)[-1]
    assert (newest.organisation, newest.pitch_order, newest.has_logo) == (
        FINALIST_FORM["organisation"], 3, False)


BAD_LOGOS = {
    "text renamed .png": (b"Dies ist kein Bild, nur Text.\n" * 20, "logo.png",
                          "muss ein PNG- oder JPEG-Bild sein"),
    "image over 2 MB": (None, "gross.png", "höchstens 2 MB"),
    "GIF": (image_bytes("GIF"), "logo.gif", "muss ein PNG- oder JPEG-Bild sein"),
    "GIF renamed .png": (image_bytes("GIF"), "logo.png", "muss ein PNG- oder JPEG-Bild sein"),
}


def _bad_logo(kind):
    data, name, message = BAD_LOGOS[kind]
    return (data if data is not None else _big_png()), name, message


@pytest.mark.parametrize("kind", list(BAD_LOGOS))
def test_bad_logo_on_a_new_finalist_saves_nothing(orga, create_event, kind):
    event = create_event()
    data, name, message = _bad_logo(kind)

    response = _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
                          logo=(data, name))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="Ingrid Lange"' in page  # the rest of the form is kept
    assert count_rows(Finalist) == 0 and _audit("finalist.created") == []


@pytest.mark.parametrize("kind", list(BAD_LOGOS))
def test_bad_logo_keeps_the_finalist_and_its_logo(orga, client, create_event, kind):
    event = create_event()
    url = f"/organiser/events/{event.slug}/finalists"
    _multipart(orga, f"{url}/new", FINALIST_FORM, logo=(image_bytes(), "logo.png"))
    finalist = db.session.scalar(select(Finalist))
    before = _logo_bytes(client, finalist.id)
    data, name, message = _bad_logo(kind)

    response = _multipart(orga, f"{url}/{finalist.id}/edit",
                          {**FINALIST_FORM, "organisation": "Geändert"}, logo=(data, name))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    finalist = _reload(finalist)
    assert (finalist.organisation, finalist.logo_version) == (FINALIST_FORM["organisation"], 1)
    assert _logo_bytes(client, finalist.id) == before
    assert _audit("finalist.updated") == []


def test_an_upload_over_the_request_limit_is_413(orga, create_event):
    event = create_event()
    response = _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
                          logo=(b"\x89PNG" + b"0" * (4 * 1024 * 1024), "riesig.png"))
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)
    assert count_rows(Finalist) == 0


def test_finalist_is_edited_and_its_logo_replaced_then_removed(orga, organiser, client,
                                                              create_event):
    event = create_event()
    url = f"/organiser/events/{event.slug}/finalists"
    _multipart(orga, f"{url}/new", FINALIST_FORM, logo=(image_bytes(colour="red"), "a.png"))
    finalist = db.session.scalar(select(Finalist))
    first = _logo_bytes(client, finalist.id)
    page = orga.get(f"{url}/{finalist.id}/edit").get_data(as_text=True)
    assert 'value="Ingrid Lange"' in page and "Projekt NaLiMa" in page

    replaced = _multipart(orga, f"{url}/{finalist.id}/edit",
                          {**FINALIST_FORM, "presenter": "Jonas Weber", "pitch_seconds": "240"},
                          logo=(image_bytes("JPEG", colour="green"), "b.jpg"))

    assert replaced.status_code == 303
    finalist = _reload(finalist)
    assert (finalist.presenter, finalist.pitch_seconds, finalist.logo_version) == (
        "Jonas Weber", 240, 2)
    second = _logo_bytes(client, finalist.id)
    assert second and second != first
    # Saving without a new file keeps the logo.
    assert orga.post(f"{url}/{finalist.id}/edit", data=FINALIST_FORM).status_code == 303
    assert _logo_bytes(client, finalist.id) == second

    removed = orga.post(f"{url}/{finalist.id}/edit", data={**FINALIST_FORM, "remove_logo": "y"})

    assert removed.status_code == 303
    assert _logo_bytes(client, finalist.id) is None
    assert not _reload(finalist).has_logo
    rows = _audit("finalist.updated")
    assert len(rows) == 3 and {r.actor_id for r in rows} == {organiser.id}
    assert {r.details["finalist"] for r in rows} == {finalist.id}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("organisation", "", "Dieses Feld"),
    ("project_title", "", "Dieses Feld"),
    ("pitch_seconds", "5", "30"),
    ("pitch_seconds", "", "Dieses Feld"),
    ("pitch_order", "0", "1"),
])
def test_bad_finalist_input_is_refused_next_to_the_field(orga, create_event, field, value,
                                                         message):
    event = create_event(finalists=1)
    finalist = finalists_of(event)[0]
    url = f"/organiser/events/{event.slug}/finalists"

    created = orga.post(f"{url}/new", data={**FINALIST_FORM, field: value})
    edited = orga.post(f"{url}/{finalist.id}/edit",
                       data={**FINALIST_FORM, "presenter": "Neu", field: value})

    for response in (created, edited):
        assert response.status_code == 422
        assert message in _field_error(response.get_data(as_text=True), field)
    assert count_rows(Finalist) == 1
    finalist = _reload(finalist)
    assert (finalist.organisation, finalist.presenter) == ("Netzwerk 1", "")
    assert _audit("finalist.updated") == []


def test_finalist_is_deleted_with_its_logo(orga, organiser, client, create_event):
    event = create_event()
    _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
               logo=(image_bytes(), "logo.png"))
    finalist_id = db.session.scalar(select(Finalist.id))

    response = orga.post(f"/organiser/events/{event.slug}/finalists/{finalist_id}/delete",
                         data={})

    assert response.status_code == 303
    assert count_rows(Finalist) == 0
    assert client.get(f"/finalists/{finalist_id}/logo.png").status_code == 404
    _assert_audited("finalist.deleted", organiser, event.id, finalist=finalist_id,
                    organisation=FINALIST_FORM["organisation"])


def test_a_finalist_with_votes_is_not_deleted(orga, organiser, create_event, register):
    event = create_event(finalists=2)
    poll = polls.create_poll(organiser, event, "ClusterERFOLG")
    polls.open_poll(organiser, poll)
    finalist = finalists_of(event)[0]
    ballots.cast_vote(poll, register(event).user, finalist.id)

    response = orga.post(f"/organiser/events/{event.slug}/finalists/{finalist.id}/delete",
                         data={})

    assert response.status_code == 409
    assert db.session.get(Finalist, finalist.id) is not None


def test_unknown_finalists_and_finalists_of_other_events_are_404(orga, create_event):
    event = create_event(finalists=1)
    foreign = finalists_of(create_event(finalists=1))[0]
    base = f"/organiser/events/{event.slug}/finalists"
    for finalist_id in (99999, foreign.id):
        assert orga.get(f"{base}/{finalist_id}/edit").status_code == 404
        assert orga.post(f"{base}/{finalist_id}/edit", data=FINALIST_FORM).status_code == 404
        assert orga.post(f"{base}/{finalist_id}/delete", data={}).status_code == 404
        assert orga.get(f"{base}/{finalist_id}/team").status_code == 404
    assert _reload(foreign).organisation == "Netzwerk 1"
    assert orga.get("/organiser/events/gibt-es-nicht/finalists/new").status_code == 404


# --- finalist teams -----------------------------------------------------------------------


def test_team_members_are_added_and_removed(orga, organiser, create_event, register):
    event = create_event(finalists=1)
    finalist = finalists_of(event)[0]
    person = register(event, email="ingrid@example.org", name="Ingrid Lange").user
    url = f"/organiser/events/{event.slug}/finalists/{finalist.id}/team"
    assert orga.get(url).status_code == 200

    added = orga.post(url, data={"email": "Ingrid@Example.org"})

    assert added.status_code == 303
    assert "Ingrid Lange" in orga.get(url).get_data(as_text=True)
    _assert_audited("finalist.team_member_added", organiser, event.id, finalist=finalist.id,
                    user=person.id)

    removed = orga.post(f"{url}/{person.id}/remove", data={})

    assert removed.status_code == 303
    assert count_rows(FinalistTeamMember) == 0
    _assert_audited("finalist.team_member_removed", organiser, event.id, user=person.id)


def test_only_registered_people_join_a_team(orga, create_event, register):
    event = create_event(finalists=1)
    finalist = finalists_of(event)[0]
    register(create_event(), email="fremd@example.org")
    url = f"/organiser/events/{event.slug}/finalists/{finalist.id}/team"

    unknown = orga.post(url, data={"email": "fremd@example.org"})
    malformed = orga.post(url, data={"email": "keine-adresse"})

    assert unknown.status_code == 422
    assert "niemand für diese Veranstaltung angemeldet" in unknown.get_data(as_text=True)
    assert malformed.status_code == 422
    assert _field_error(malformed.get_data(as_text=True), "email").strip()
    assert count_rows(FinalistTeamMember) == 0
    assert orga.post(f"{url}/99999/remove", data={}).status_code == 404
    assert _audit("finalist.team_member_added") == []


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


# --- who may: every route of the blueprint ------------------------------------------------


def _organiser_routes() -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) of the organiser blueprint and of every other route that lives
    under /organiser/ (live control, exports, check-in, mailing): a new one is covered at once."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((method, rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("organiser.") or rule.rule.startswith("/organiser/")
                  for method in rule.methods & {"GET", "POST"})


ROUTES = _organiser_routes()
POST_ROUTES = [route for route in ROUTES if route[0] == "POST"]
BLUEPRINT_PAGES = [route for route in ROUTES
                   if route[0] == "GET" and route[2].startswith("organiser.")]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def world(organiser, create_event, register):
    """An event with everything the routes name, and a participant who is on a team."""
    event = create_event(finalists=1)
    session = sessions_of(event)[0]
    item = events.add_agenda_item(organiser, event, starts_at=event.starts_at,
                                  ends_at=event.starts_at + timedelta(minutes=15), kind="opening",
                                  title="Eröffnung", speaker="", affiliation="")
    participant = register(event, session_ids=[session.id]).user
    finalist = finalists_of(event)[0]
    set_team_member(organiser, finalist, participant, member=True)
    winner = add_past_winner(organiser, year=2019, award="ClusterERFOLG 2019",
                             organisation="Altnetz", project="Anfang", note="")
    # Real ids: without the checks these requests would change something.
    values = {"slug": event.slug, "item_id": item.id, "session_id": session.id,
              "finalist_id": finalist.id, "user_id": participant.id, "action": "welcome",
              "table": "registrations", "file_format": "csv", "kind": "reminder",
              "winner_id": winner.id}
    return {"values": values, "participant": participant, "event": event}


def _url(rule: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def _snapshot() -> dict:
    """How many rows every table holds, and the event's status."""
    db.session.expire_all()
    counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    return {**counts, "status": db.session.scalar(select(Event.status).order_by(Event.id))}


def test_the_blueprint_has_the_routes_this_module_covers():
    names = {_route_id(route) for route in ROUTES}
    assert "GET /organiser/" in names
    assert "POST /organiser/events/<slug>/finalists/<id:finalist_id>/delete" in names
    assert len(ROUTES) >= 20


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, route):
    method, rule, _endpoint = route
    url = _url(rule, world["values"])
    before = _snapshot()

    response = client.post(url, data={}) if method == "POST" else client.get(url)

    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]
    assert _snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_participants_get_403(client, auth, world, route):
    method, rule, _endpoint = route
    auth.login_participant(world["participant"])
    url = _url(rule, world["values"])
    before = _snapshot()

    if method == "POST":
        response = client.post(url, data={**EVENT_FORM, **AGENDA_FORM, "status": "archived",
                                          "email": "x@example.org", "capacity": "1"})
    else:
        response = client.get(url)

    assert response.status_code == 403
    assert "Diese Seite dürfen Sie nicht sehen" in response.get_data(as_text=True)
    assert _snapshot() == before
    assert _reload(world["event"]).status == "published"


@pytest.mark.parametrize("route", BLUEPRINT_PAGES, ids=_route_id)
def test_the_organiser_reaches_every_page(orga, world, route):
    assert orga.get(_url(route[1], world["values"])).status_code == 200


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize("route", POST_ROUTES, ids=_route_id)
def test_a_post_without_csrf_token_is_400_and_changes_nothing(orga, world, route):
    _method, rule, _endpoint = route
    url = _url(rule, world["values"])
    before = _snapshot()
    # Everything a valid form would need, but no token (the base client adds none).
    data = {**EVENT_FORM, **AGENDA_FORM, "status": "archived", "email": "x@example.org",
            "slot_id": str(world["values"]["item_id"]), "capacity": "30", **FINALIST_FORM}

    response = super(type(orga), orga).post(url, data=data)
    empty_token = orga.post(url, data={**data, "csrf_token": ""})

    for answer in (response, empty_token):
        assert answer.status_code == 400
        assert "Das Formular war abgelaufen" in answer.get_data(as_text=True)
    assert _snapshot() == before
    assert _reload(world["event"]).status == "published"
