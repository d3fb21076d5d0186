"""Phones in the room must reach the address in the QR code (issue 34, item 21): the live
control warns the organiser when the public address is a loopback address, and says how to
serve the app to the room's network (README: HOST=0.0.0.0 and EVENTAPP_PUBLIC_URL)."""

from pathlib import Path

import pytest

from eventapp.live.services import is_loopback_url

WARNING = "Telefone im Saal können diese Adresse nicht öffnen"


@pytest.mark.parametrize("url, loopback", [
    ("http://127.0.0.1:5000/events/x/vote", True), ("http://localhost:5000/", True),
    ("http://[::1]:5000/", True), ("http://127.1.2.3/", True),
    ("http://192.168.1.23:5000/events/x/vote", False), ("https://treffen.example.org/", False),
    ("http://0.0.0.0:5000/", True)])
def test_loopback_addresses_are_told_apart(url, loopback):
    assert is_loopback_url(url) is loopback


def test_the_live_control_warns_about_a_loopback_public_address(app, orga, create_event):
    event = create_event(format="in_person")
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"

    page = orga.get(f"/organiser/events/{event.slug}/live").get_data(as_text=True)

    assert WARNING in page and "EVENTAPP_PUBLIC_URL" in page and "HOST=0.0.0.0" in page


def test_no_warning_with_an_address_phones_can_reach(app, orga, create_event):
    event = create_event(format="in_person")
    app.config["PUBLIC_URL"] = "http://192.168.1.23:5000"

    page = orga.get(f"/organiser/events/{event.slug}/live").get_data(as_text=True)

    assert WARNING not in page


def test_the_readme_says_how_to_serve_phones_in_the_room():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "HOST=0.0.0.0" in readme and "EVENTAPP_PUBLIC_URL=http://" in readme
