"""The check-in desk when the venue's network drops: it checks in from the list kept on the
device, by scan and by name, and sends it all once the network is back; the server checks each
person in once and the desk shows what it answered differently."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from eventapp.audit.models import AuditLog
from eventapp.awards import cards, voting
from eventapp.checkin.services import check_in
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.registration.tickets import ticket_code

from ..helpers import reloaded
from .conftest import PHONE
from .layout import layout_problems
from .test_accessibility import _sign_in_organiser, serious_violations

pytestmark = pytest.mark.slow
HALL = ("Anna Hall", "Ben Hall", "Cem Hall")

ON_DEVICE = """() => new Promise(resolve => {
  const opened = indexedDB.open("eventapp-desk");
  opened.onsuccess = () => {
    const got = opened.result.transaction("lists").objectStore("lists").getAll();
    got.onsuccess = () => resolve(got.result.length === 1 && got.result[0].people.length === 3);
  };
})"""

LIST_GONE = """() => indexedDB.databases().then(databases =>
  !databases.some(d => d.name === "eventapp-desk") || new Promise(resolve => {
    const opened = indexedDB.open("eventapp-desk");
    opened.onsuccess = () => {
      const names = opened.result.objectStoreNames;
      if (!names.contains("lists")) { resolve(true); return; }
      const count = opened.result.transaction("lists").objectStore("lists").count();
      count.onsuccess = () => resolve(count.result === 0);
    };
  }))"""


@pytest.fixture
def hall(create_event, register, organiser):
    event = create_event(format="in_person", venue="Berlin", finalists=2, sessions=())
    cards.create_cards(organiser, event, 4)
    people = {name: register(event, name=name, email=f"{name.split()[0].lower()}@example.org")
              for name in HALL}
    return event, people


def _search(desk, text):
    desk.fill("#q", text)
    desk.locator("#search-form [type=submit]").click()


def test_the_desk_checks_in_offline_and_sends_it_once_the_network_is_back(
        live_server, new_context, organiser, hall, screenshot):
    event, people = hall
    anna, ben, cem = (people[name] for name in HALL)
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    context = new_context(viewport=PHONE)
    desk = context.new_page()
    _sign_in_organiser(desk, live_server)
    desk.goto(f"{live_server}/organiser/events/{event.slug}/checkin")
    status = desk.locator("#offline-desk [data-connection]")
    expect(status).to_have_text("Online")
    desk.wait_for_function(ON_DEVICE)

    context.set_offline(True)
    expect(status).to_contain_text("Offline")
    # Scanned: the camera fills in the ticket's code and sends the form.
    desk.fill("#ticket", ticket_code(anna))
    desk.locator("#ticket-form [type=submit]").click()
    expect(desk.locator("#offline-desk [data-messages]")).to_contain_text(
        "Anna Hall: auf diesem Gerät eingecheckt")
    for name in ("Ben Hall", "Cem Hall"):  # found by name
        _search(desk, name.split()[0].lower())
        desk.get_by_role("button", name=f"Einchecken {name}").click()
        expect(desk.locator("#offline-found")).to_contain_text("Eingecheckt")
    desk.get_by_role("button", name="Stimmkarte ausgegeben Cem Hall").click()
    expect(desk.locator("#offline-found")).to_contain_text("Hat eine Stimmkarte")
    expect(desk.locator("#offline-desk [role=status]")).to_contain_text(
        "Noch zu sendende Check-ins: 3")
    # Opened again without the network: the page from the service worker, the queue kept.
    desk.reload()
    expect(status).to_contain_text("Offline")
    expect(desk.locator("#offline-desk [role=status]")).to_contain_text(
        "Noch zu sendende Check-ins: 3")
    _search(desk, "hall")
    expect(desk.locator("#offline-found li")).to_have_count(3)
    assert layout_problems(desk) == []
    assert serious_violations(desk) == []
    screenshot(desk, "offline-desk-01-offline")

    # Meanwhile, with the network: Ben at another desk, Cem votes with her personal link.
    check_in(organiser, event, ben)
    voting.cast_vote(poll, cem.user, poll.candidates[0].id)
    assert reloaded(anna).checked_in_at is None

    context.set_offline(False)
    expect(status).to_have_text("Online", timeout=15_000)
    expect(desk.locator("#offline-desk [role=status]")).not_to_contain_text("Noch zu senden")
    conflicts = desk.locator("#offline-desk [data-conflicts]")
    expect(conflicts).to_contain_text("Ben Hall war bereits")
    expect(conflicts).to_contain_text("Stimmkarte abgelehnt: Cem Hall")
    expect(desk.locator("#checkin-counts [data-checked-in]")).to_have_text("3")
    screenshot(desk, "offline-desk-02-back-online")

    assert all(reloaded(person).checked_in_at is not None for person in people.values())
    assert reloaded(cem).vote_card_received is False
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "checkin")) == 3

    # Signing out deletes the list kept on the device.
    desk.get_by_role("button", name="Menü").click()
    desk.get_by_role("button", name="Ausloggen").click()
    expect(desk.locator(".alert-info")).to_be_visible()
    assert desk.evaluate(LIST_GONE)
