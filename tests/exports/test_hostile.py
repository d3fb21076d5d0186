"""What a hostile tester found in the exports (issue 34): the anonymous calendar file carried
the online meeting's link (item 2); names with bidirectional overrides in the exports (item 12)."""

import pytest

LINK = "https://meet.example.org/geheim-123"


def _unfolded(response) -> str:
    return response.data.decode().replace("\r\n ", "")


@pytest.mark.parametrize("fmt,venue", [("online", ""), ("hybrid", "Ölmühle Berlin")])
def test_the_public_calendar_has_the_venue_or_nothing_never_the_link(client, create_event, fmt,
                                                                     venue):
    event = create_event(format=fmt, venue=venue, online_link=LINK)

    text = _unfolded(client.get(f"/events/{event.slug}/agenda.ics"))

    assert LINK not in text and "meet.example.org" not in text
    if venue:
        assert f"LOCATION:{venue}" in text
    else:
        assert "LOCATION:" not in text


def test_an_invitation_only_event_s_calendar_has_no_link_either(client, organiser, create_event):
    from eventapp.invitations import services as invitations

    event = create_event(online_link=LINK)
    invitations.update_settings(organiser, event, invitation_only=True, reserved={})

    assert LINK not in _unfolded(client.get(f"/events/{event.slug}/agenda.ics"))


def test_a_confirmed_participant_s_own_calendar_keeps_the_link(client, auth, create_event,
                                                                register):
    event = create_event(online_link=LINK)
    auth.login_participant(register(event).user)

    assert LINK in _unfolded(client.get(f"/events/{event.slug}/me/agenda.ics"))
