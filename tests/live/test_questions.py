"""A yes/no question on the live show (issue 35, item 5): its answers with their shares, shown
at once; places, ranks and the staged reveal are for awards. The event page names the poll
that is open, and the live control numbers a tie as the screen does."""

import re

import pytest

from eventapp.awards import polls, voting
from eventapp.awards.models import PollKind, PollStatus
from eventapp.errors import Conflict
from eventapp.live import services as live

from ..helpers import reloaded


def _voted(event, poll, register, organiser, answers: list[int]):
    """The poll opened, one vote for each option index in `answers`, closed."""
    live.open_vote(organiser, event, poll_id=poll.id)
    for index in answers:
        voting.cast_vote(poll, register(event).user, poll.candidates[index].id)
    live.close_vote(organiser, event)


def _control(client, slug: str) -> str:
    return client.get(f"/organiser/events/{slug}/live").get_data(as_text=True)


@pytest.fixture
def question(create_event, organiser):
    event = create_event(finalists=0)
    return event, polls.create_poll(organiser, event, "Wieder hybrid?", kind=PollKind.QUESTION)


def test_a_question_shows_its_answers_with_their_shares_at_once(
        app, client, auth, question, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event, poll = question
    _voted(event, poll, register, organiser, [0, 0, 1])  # yes, yes, no
    auth.login_organiser()
    closed = _control(client, event.slug)
    assert "Stichwahl" not in closed
    # No places: the answers in the ballot's order with their counts and shares.
    assert re.search(r"Ja.*2 Stimmen.*67\xa0%.*Nein.*1 Stimme.*33\xa0%.*Enthaltung.*0 Stimmen",
                     closed, re.S)
    assert "list-group-numbered" not in closed

    live.announce(organiser, event)
    assert live.public_state(event)["results"]["ranking"] == []  # "And the answer is …"
    announced = _control(client, event.slug)
    assert "Nächsten Platz enthüllen" not in announced and "Ergebnis zeigen" in announced

    assert client.post(f"/organiser/events/{event.slug}/live/reveal", data={}).status_code == 303
    # One step shows every answer, and the result is public.
    assert reloaded(poll).status == PollStatus.REVEALED
    results = live.public_state(event)["results"]
    assert [(e["label"], e["votes"], round(e["share"], 2)) for e in results["ranking"]] == [
        ("Ja", 2, 0.67), ("Nein", 1, 0.33), ("Enthaltung", 0, 0.0)]
    assert not any("rank" in entry for entry in results["ranking"])
    screen = client.get(f"/screen/{event.slug}/stage").get_data(as_text=True)
    assert "stage-rank-place" not in screen and "67\xa0%" in screen and "2 Stimmen" in screen
    public = client.get(f"/events/{event.slug}/results").get_data(as_text=True)
    assert "67\xa0%" in public and "results-rank" not in public


def test_a_tie_in_a_question_starts_no_run_off(app, client, auth, question, register,
                                                organiser):
    event, poll = question
    _voted(event, poll, register, organiser, [0, 1])  # yes, no
    auth.login_organiser()
    assert "Stichwahl" not in _control(client, event.slug)
    with pytest.raises(Conflict):
        live.start_runoff(organiser, event)


def test_the_live_control_numbers_a_tie_as_the_screen_does(
        app, client, auth, create_event, register, organiser):
    event = create_event(finalists=3)
    poll = polls.create_poll(organiser, event, "ClusterERFOLG")
    _voted(event, poll, register, organiser, [0, 0, 1, 2])  # 2, 1, 1: places 1, 2, 2
    auth.login_organiser()
    control = _control(client, event.slug)
    places = re.findall(r'class="standing-rank">(\d+)\.<', control)
    assert places == ["1", "2", "2"]


def test_the_event_page_names_the_open_poll(app, client, question, organiser):
    event, poll = question
    live.open_vote(organiser, event, poll_id=poll.id)
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Die Abstimmung über „Wieder hybrid?“ ist geöffnet." in page
    assert "über den Preis" not in page
