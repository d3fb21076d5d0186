"""The hall of fame keeps its promise across years: archived meetings keep their result and
their place, and organisers enter the winners from before the app."""

import pytest
from sqlalchemy import select

from eventapp.awards import voting
from eventapp.awards.models import PastWinner
from eventapp.database import utcnow
from eventapp.extensions import db
from eventapp.live import services as live

from ..helpers import audit_rows

WINNER = "Netzwerk 1"
PAST = {"year": "2019", "award": "ClusterERFOLG 2019", "organisation": "Altnetz Nord",
        "project": "Projekt Anfang", "note": ""}


@pytest.fixture
def revealed_meeting(app, create_event, register, organiser):
    """A meeting whose vote is over and whose winner the big screen has revealed."""
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, sessions=())
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    receipts = [voting.cast_vote(poll, register(event, email=f"v{i}@example.org").user,
                                  poll.candidates[0].id) for i in range(2)]
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    for _ in range(2):  # 2 votes and 0: two places to reveal
        live.reveal_next(organiser, event)
    return event, receipts



def test_an_archived_meeting_keeps_its_result_and_its_place_in_the_hall_of_fame(
        client, auth, revealed_meeting):
    event, receipts = revealed_meeting
    auth.login_organiser()
    anonymise = f"/organiser/events/{event.slug}/anonymise"
    assert client.post(anonymise, data={}).status_code == 409  # only archived events

    archive = client.post(f"/organiser/events/{event.slug}/status", data={"status": "archived"})
    assert archive.status_code == 303
    assert client.post(anonymise, data={}).status_code == 303
    auth.logout()

    assert client.get(f"/events/{event.slug}/").status_code == 404  # the meeting is gone
    results = client.get(f"/events/{event.slug}/results")
    assert results.status_code == 200
    page = results.get_data(as_text=True)
    assert WINNER in page and all(receipt in page for receipt in receipts)
    assert f'href="/events/{event.slug}/"' not in page  # no link to the archived meeting
    for url in ("/hall-of-fame", "/"):
        page = client.get(url).get_data(as_text=True)
        assert WINNER in page and f"/events/{event.slug}/results" in page, url


def test_a_draft_meeting_leaves_the_hall_of_fame(client, auth, revealed_meeting):
    event, _receipts = revealed_meeting
    auth.login_organiser()
    client.post(f"/organiser/events/{event.slug}/status", data={"status": "draft"})
    assert client.get(f"/events/{event.slug}/results").status_code == 404
    assert WINNER not in client.get("/hall-of-fame").get_data(as_text=True)


def test_organisers_enter_past_winners_shown_with_the_apps_own_by_year(
        orga, organiser, revealed_meeting):
    event, _receipts = revealed_meeting
    new = orga.post("/organiser/hall-of-fame/new", data=PAST)
    assert new.status_code == 303 and new.headers["Location"].endswith("/organiser/hall-of-fame/")
    orga.post("/organiser/hall-of-fame/new", data={
        **PAST, "year": "2020", "award": "Cluster manager of the year",
        "organisation": "Mittelnetz Süd", "note": "Beispieleintrag"})

    page = orga.get("/hall-of-fame").get_data(as_text=True)
    order = [page.index(name) for name in (WINNER, "Mittelnetz Süd", "Altnetz Nord")]
    assert order == sorted(order), "newest year first"
    assert str(event.year) in page and "Beispieleintrag" in page
    assert "Altnetz Nord" in orga.get("/").get_data(as_text=True)
    (created, _second) = audit_rows("past_winner.created")
    assert created.actor_id == organiser.id and created.details["organisation"] == "Altnetz Nord"

    first = db.session.scalars(select(PastWinner).where(PastWinner.year == 2019)).one()
    listing = orga.get("/organiser/hall-of-fame/").get_data(as_text=True)
    assert "Altnetz Nord" in listing and f"/organiser/hall-of-fame/{first.id}/edit" in listing
    edit = orga.post(f"/organiser/hall-of-fame/{first.id}/edit",
                     data={**PAST, "organisation": "Altnetz Nordost"})
    assert edit.status_code == 303
    assert audit_rows("past_winner.updated")[0].details["fields"] == ["organisation"]
    assert orga.post(f"/organiser/hall-of-fame/{first.id}/delete", data={}).status_code == 303
    assert audit_rows("past_winner.deleted")[0].details["organisation"] == "Altnetz Nordost"

    page = orga.get("/hall-of-fame").get_data(as_text=True)
    assert "Altnetz" not in page and "Mittelnetz Süd" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"year": ""}, None),
    ({"year": "zwanzig"}, None),
    ({"year": "1850"}, "1900"),
    ({"year": str(utcnow().year + 1)}, str(utcnow().year)),  # not a winner yet
    ({"organisation": ""}, None),
    ({"organisation": "   "}, None),
    ({"project": ""}, None),
    ({"award": "x" * 201}, "200"),
    ({"note": "x" * 2001}, "2000"),
])
def test_a_past_winner_with_bad_input_is_refused_with_a_message(orga, changes, message):
    response = orga.post("/organiser/hall-of-fame/new", data={**PAST, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    if message:
        assert message in page
    assert db.session.scalars(select(PastWinner)).all() == []
    assert audit_rows("past_winner.created") == []


def test_only_organisers_keep_past_winners(client, auth, organiser, register, create_event):
    for url in ("/organiser/hall-of-fame/", "/organiser/hall-of-fame/new"):
        assert client.get(url).status_code == 302  # to sign-in
    auth.login_participant(register(create_event()).user)
    assert client.post("/organiser/hall-of-fame/new", data=PAST).status_code == 403
    auth.login_organiser()
    assert client.post("/organiser/hall-of-fame/new",
                       data={**PAST, "csrf_token": "forged"}).status_code == 400
    assert client.post("/organiser/hall-of-fame/999/edit", data=PAST).status_code == 404
    assert client.post("/organiser/hall-of-fame/999/delete", data={}).status_code == 404
    assert db.session.scalars(select(PastWinner)).all() == []
