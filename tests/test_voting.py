"""The award vote through the pages: ballot, confirm, receipt, live control, results."""

import pytest
from sqlalchemy import func, select

from eventapp.awards import voting
from eventapp.awards.models import Ballot, Participation
from eventapp.extensions import db


@pytest.fixture
def show(app, create_event, register, organiser):
    """A published event with three finalists and three registered participants."""
    event = create_event(finalists=3)
    people = [register(event, email=f"voter{i}@example.org").user for i in range(3)]
    return event, people


def _control(client, event, action, **data):
    return client.post(f"/organiser/events/{event.slug}/live/{action}", data=data)


def test_whole_show_from_opening_to_results(client, auth, show):
    event, people = show
    auth.login_organiser()
    assert _control(client, event, "open", title="ClusterERFOLG").status_code == 303
    auth.logout()

    receipts = []
    for person in people:
        auth.login_participant(person)
        finalist = voting.current_poll(event).candidates[0]
        page = client.get(f"/events/{event.slug}/vote").get_data(as_text=True)
        assert finalist.organisation in page
        confirm = client.post(f"/events/{event.slug}/vote", data={"finalist": finalist.id})
        assert confirm.status_code == 200 and "confirmed" in confirm.get_data(as_text=True)
        response = client.post(f"/events/{event.slug}/vote",
                               data={"finalist": finalist.id, "confirmed": "1"})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        receipt = page.split('id="receipt">', 1)[1].split("<", 1)[0]
        receipts.append(receipt)
        auth.logout()

    state = client.get(f"/live/{event.slug}/state").get_json()
    assert state["poll"]["votes"] == 3 and state["poll"]["eligible"] == 3
    assert "ranking" not in str(state["poll"])

    auth.login_organiser()
    assert _control(client, event, "close").status_code == 303
    assert _control(client, event, "announce").status_code == 303
    for _ in range(3):
        assert _control(client, event, "reveal").status_code == 303
    auth.logout()

    results = client.get(f"/events/{event.slug}/results").get_data(as_text=True)
    for receipt in receipts:
        assert receipt in results
    screen = client.get(f"/screen/{event.slug}").get_data(as_text=True)
    assert "Netzwerk 1" in screen
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 3
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 3


def test_state_answers_304_when_nothing_changed(client, show):
    event, _people = show
    first = client.get(f"/live/{event.slug}/state")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(f"/live/{event.slug}/state",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
