"""Roles in a real browser: a network manager invites a co-organiser by mail, who sets a
password and edits the agenda; check-in staff open the desk and are refused the live control."""

import re
import time

import pytest
from playwright.sync_api import expect

from eventapp.auth.services import create_organiser
from eventapp.mailing.send import deliver_queued
from eventapp.networks import roles
from eventapp.networks import services as networks

from .conftest import PHONE
from .test_accessibility import serious_violations

pytestmark = pytest.mark.slow
PASSWORD = "ein-langes-passwort"
INVITATION = re.compile(r"https?://\S+/join/\S+")


def _sign_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form [type=submit]").click()


def _invitation_link(mailbox, address: str, wait: float = 20.0) -> str:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for message in reversed(mailbox):
            if message["To"] == address:
                body = message.get_body(preferencelist=("plain",)).get_content()
                return INVITATION.search(body).group(0)
        if time.monotonic() > deadline - wait / 2:
            deliver_queued()  # as the mail worker would
        time.sleep(0.1)
    raise AssertionError(f"no invitation to {address}; mails to {[m['To'] for m in mailbox]}")


@pytest.fixture
def meeting(create_event, organiser):
    event = create_event()
    manager = create_organiser("manager@example.org", PASSWORD, "Mia Manager",
                               platform_admin=False)
    roles.give_network_role(organiser, networks.default_network(), manager, "manager")
    return event


def test_a_manager_invites_a_co_organiser_who_signs_in_and_edits_the_agenda(
        live_server, new_context, meeting, mailbox, screenshot):
    event = meeting
    manager = new_context().new_page()
    _sign_in(manager, live_server, "manager@example.org")
    manager.goto(f"{live_server}/organiser/events/{event.slug}/")
    manager.get_by_role("link", name="Personen dieses Treffens").click()
    manager.fill("#email", "ko@example.org")
    manager.fill("#name", "Kai Ko")
    manager.select_option("#role", "co_organiser")
    manager.get_by_role("button", name="Einladung senden").click()
    expect(manager.get_by_text("noch nicht angenommen")).to_be_visible()

    guest = new_context(viewport=PHONE).new_page()
    guest.goto(_invitation_link(mailbox, "ko@example.org"))
    expect(guest.get_by_role("heading", name=re.compile("Einladung"))).to_be_visible()
    assert serious_violations(guest) == []
    guest.fill("#password", PASSWORD)
    guest.fill("#confirm", PASSWORD)
    guest.get_by_role("button", name="Einladung annehmen").click()
    expect(guest.get_by_role("heading", name="Ihre Veranstaltungen")).to_be_visible()
    screenshot(guest, "roles-co-organiser-index-360")
    guest.get_by_role("link", name=event.title).click()
    guest.get_by_role("link", name="Programmpunkt hinzufügen").click()
    guest.fill("#title", "Grußwort der Ministerin")
    guest.fill("#starts_at", "2030-10-20T10:00")
    guest.fill("#ends_at", "2030-10-20T10:15")
    guest.locator("main form [type=submit]").click()
    expect(guest.get_by_role("link", name="Bearbeiten Grußwort der Ministerin")).to_be_visible()
    # Everything but deleting: no delete buttons on their page.
    expect(guest.get_by_role("button", name=re.compile("^Löschen"))).to_have_count(0)

    manager.reload()
    expect(manager.get_by_role("button", name="Entziehen Kai Ko")).to_be_visible()
    expect(manager.get_by_text("noch nicht angenommen")).to_have_count(0)


def test_check_in_staff_open_the_desk_but_not_the_live_control(
        live_server, new_context, organiser, meeting, screenshot):
    event = meeting
    staff = create_organiser("desk@example.org", PASSWORD, "Dana Desk", platform_admin=False)
    roles.give_event_role(organiser, event, staff, "checkin")
    page = new_context(viewport=PHONE).new_page()
    _sign_in(page, live_server, "desk@example.org")
    page.get_by_role("link", name="Check-in").click()
    expect(page).to_have_url(re.compile(f"/organiser/events/{event.slug}/checkin"))
    screenshot(page, "roles-check-in-desk-360")
    response = page.goto(f"{live_server}/organiser/events/{event.slug}/live")
    assert response.status == 403
    response = page.goto(f"{live_server}/organiser/events/{event.slug}/")
    assert response.status == 403
