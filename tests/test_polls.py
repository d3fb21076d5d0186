"""Polls set up by the organiser: several per event, each with its own kind, candidates,
state, announcement, reveal, results and hall-of-fame entry; the live control drives one at
a time and the ballot, the screen and the phones follow the poll on screen."""

import pytest

from eventapp.awards import ballots, cards, polls
from eventapp.awards.finalists import finalists_of
from eventapp.awards.hall_of_fame import hall_of_fame
from eventapp.awards.models import (
    KIND_FINALISTS,
    KIND_PEOPLE,
    KIND_QUESTION,
    POLL_DRAFT,
    POLL_OPEN,
    POLL_REVEALED,
    Poll,
)
from eventapp.errors import Conflict, InvalidInput
from eventapp.extensions import db
from eventapp.live import services as live

from .helpers import reloaded


def _ballot_names(client, slug: str) -> str:
    return client.get(f"/events/{slug}/vote").get_data(as_text=True)


def _control(client, slug: str, action: str, **data):
    return client.post(f"/organiser/events/{slug}/live/{action}", data=data)


def _reveal_all(client, slug: str, places: int) -> None:
    for _place in range(places):
        assert _control(client, slug, "reveal").status_code == 303


def test_the_organiser_sets_up_two_polls_and_announces_each_on_its_own(
        app, client, auth, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=3)
    voters = [register(event).user for _ in range(3)]
    first, second, third = finalists_of(event)
    auth.login_organiser()
    # The award among two of the finalists, in the order given; then a question, ranking only.
    assert client.post(f"/organiser/events/{event.slug}/polls/new", data={
        "title": "ClusterERFOLG", "kind": KIND_FINALISTS, "finalists": [third.id, first.id],
        "eligibility": "registered", "cards_may_vote": "y", "show_counts": "y",
    }).status_code == 303
    assert client.post(f"/organiser/events/{event.slug}/polls/new", data={
        "title": "Wieder hybrid?", "kind": KIND_QUESTION, "eligibility": "registered",
        "cards_may_vote": "y",
    }).status_code == 303
    award, question = polls.polls_of(event)
    assert [o.finalist_id for o in award.candidates] == [third.id, first.id]
    assert [o.answer for o in question.candidates] == ["yes", "no", "abstain"]
    assert not question.show_counts
    page = client.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    assert "ClusterERFOLG" in page and "Wieder hybrid?" in page

    # The live control lists both and opens the award; the question waits.
    control = client.get(f"/organiser/events/{event.slug}/live").get_data(as_text=True)
    assert 'id="poll-list"' in control and "Wieder hybrid?" in control
    assert _control(client, event.slug, "open", poll=award.id,
                    title=award.title).status_code == 303
    assert polls.current_poll(event).id == award.id
    # One vote at a time: the question cannot open while the award is open.
    refused = _control(client, event.slug, "open", poll=question.id, title=question.title)
    assert refused.status_code == 409 and reloaded(question).status == POLL_DRAFT
    receipts = [ballots.cast_vote(award, voter, award.candidates[choice].id)  # first twice
                for voter, choice in zip(voters, [1, 1, 0], strict=True)]
    for action in ("close", "announce"):
        assert _control(client, event.slug, action).status_code == 303
    _reveal_all(client, event.slug, 2)
    assert reloaded(award).status == POLL_REVEALED
    assert reloaded(question).status == POLL_DRAFT  # the reveal made only the award public

    # Now the question: it is what the ballot and the screen follow.
    assert _control(client, event.slug, "open", poll=question.id,
                    title=question.title).status_code == 303
    assert polls.current_poll(event).id == question.id
    assert live.public_state(event)["poll"]["id"] == question.id
    auth.login_participant(voters[0])
    ballot = _ballot_names(client, event.slug)
    assert "Wieder hybrid?" in ballot and "Ja" in ballot and "Enthaltung" in ballot
    for voter, answer in zip(voters, [0, 0, 1], strict=True):
        ballots.cast_vote(question, voter, question.candidates[answer].id)
    auth.login_organiser()
    for action in ("close", "announce"):
        assert _control(client, event.slug, action).status_code == 303
    assert polls.snapshot_of(award).votes_cast == 3  # the first result stays as announced
    _reveal_all(client, event.slug, 3)  # abstain (no vote), no, yes
    # Ranking only: neither the screen's JSON nor its page show a count.
    state = client.get(f"/live/{event.slug}/state").get_json()
    assert state["results"]["show_counts"] is False
    assert all("votes" not in entry for entry in state["results"]["ranking"])
    assert [entry["label"] for entry in state["results"]["ranking"]][0] == "Ja"
    stage = client.get(f"/screen/{event.slug}/stage").get_data(as_text=True)
    assert "Stimmen" not in stage.replace("Stimmen abgegeben", "")

    results = client.get(f"/events/{event.slug}/results").get_data(as_text=True)
    assert "ClusterERFOLG" in results and "Wieder hybrid?" in results
    assert "2 Stimmen" in results  # the award shows its counts, the question does not
    question_part = results[results.index("Wieder hybrid?"):results.index("ClusterERFOLG")]
    assert "Stimme" not in question_part.split("<details>")[0]
    # A receipt of the award is found in its section, though the question is newer.
    lookup = client.get(f"/events/{event.slug}/results?receipt={receipts[2]}")
    found = lookup.get_data(as_text=True)
    success = found[found.index('class="alert alert-success"'):]
    assert receipts[2] in success.split("</div>")[0] and third.organisation in success
    assert found.index("ClusterERFOLG") < found.index('class="alert alert-success"')
    # The hall of fame lists the award, not the question.
    assert [(e.award, e.winners) for e in hall_of_fame()] == [
        ("ClusterERFOLG", [(first.organisation, first.project_title)])]


def test_a_people_award_hides_the_person_from_their_own_ballot(
        app, client, auth, create_event, register, organiser):
    event = create_event(finalists=0)
    anna, ben = register(event, email="anna@example.org").user, register(event).user
    auth.login_organiser()
    response = client.post(f"/organiser/events/{event.slug}/polls/new", data={
        "title": "Clustermanager des Jahres", "kind": KIND_PEOPLE, "eligibility": "registered",
        "people": "Anna Beispiel; Clustermanagerin; anna@example.org\nCarl Muster; Sprecher\n",
        "show_counts": "y",
    })
    assert response.status_code == 303
    (poll,) = polls.polls_of(event)
    assert [(o.name, o.role, o.user_id) for o in poll.candidates] == [
        ("Anna Beispiel", "Clustermanagerin", anna.id), ("Carl Muster", "Sprecher", None)]
    edit = client.get(f"/organiser/events/{event.slug}/polls/{poll.id}/edit")
    assert "Anna Beispiel; Clustermanagerin; anna@example.org" in edit.get_data(as_text=True)
    assert _control(client, event.slug, "open", poll=poll.id, title=poll.title).status_code == 303

    auth.login_participant(anna)
    own = _ballot_names(client, event.slug)
    assert "Carl Muster" in own and "Anna Beispiel" not in own
    assert "Dieser Preis betrifft Sie" in own
    refused = client.post(f"/events/{event.slug}/vote",
                          data={"finalist": poll.candidates[0].id, "confirmed": "1"})
    assert refused.status_code == 403
    with pytest.raises(ballots.OwnCandidacy):
        ballots.cast_vote(poll, anna, poll.candidates[0].id)
    assert ballots.cast_vote(poll, anna, poll.candidates[1].id)
    auth.login_participant(ben)
    assert "Anna Beispiel" in _ballot_names(client, event.slug)
    assert ballots.cast_vote(poll, ben, poll.candidates[0].id)
    polls.close_poll(organiser, poll)
    assert [(s.organisation, s.project_title, s.votes) for s in ballots.tally(poll)] == [
        ("Anna Beispiel", "Clustermanagerin", 1), ("Carl Muster", "Sprecher", 1)]


def test_a_card_votes_in_a_yes_no_question(app, client, create_event, organiser):
    event = create_event()
    poll = polls.create_poll(organiser, event, "Mehr Pausen?", kind=KIND_QUESTION)
    polls.open_poll(organiser, poll)
    (card,) = cards.create_cards(organiser, event, 1)
    code = cards.code_of(card)
    assert client.get(f"/c/{code}").status_code == 302
    page = _ballot_names(client, event.slug)
    assert "Ihre Antwort" in page and "Nein" in page
    # The line about a finalist's team belongs to awards among finalists only.
    assert "Team eines Finalisten" not in page
    no = poll.candidates[1]
    receipt = client.post(f"/events/{event.slug}/vote",
                          data={"finalist": no.id, "confirmed": "1"})
    assert receipt.status_code == 200
    polls.close_poll(organiser, poll)
    assert [(s.answer, s.votes) for s in ballots.tally(poll)][0] == ("no", 1)


def test_only_a_draft_poll_is_changed_or_deleted(app, client, auth, create_event, organiser):
    event = create_event(finalists=2)
    poll = polls.create_poll(organiser, event, "Preis")
    polls.update_poll(organiser, poll, "Frage", "checked_in", False, KIND_QUESTION, False)
    assert (reloaded(poll).title, poll.kind, poll.eligibility, len(poll.candidates)) == (
        "Frage", KIND_QUESTION, "checked_in", 3)
    with pytest.raises(InvalidInput):
        polls.create_poll(organiser, event, "Leute", kind=KIND_PEOPLE,
                          people=[polls.Person("Nur eine")])
    with pytest.raises(InvalidInput):
        polls.create_poll(organiser, event, "Fremd", finalist_ids=[999_999, 1])
    polls.open_poll(organiser, poll)
    with pytest.raises(Conflict):
        polls.update_poll(organiser, poll, "Anders", "registered", True, KIND_QUESTION, True)
    auth.login_organiser()
    assert client.post(f"/organiser/events/{event.slug}/polls/{poll.id}/delete",
                       data={}).status_code == 409
    assert client.get(f"/organiser/events/{event.slug}/polls/{poll.id}/edit").status_code == 409
    draft_id = polls.create_poll(organiser, event, "Später").id
    assert client.post(f"/organiser/events/{event.slug}/polls/{draft_id}/delete",
                       data={}).status_code == 303
    assert db.session.get(Poll, draft_id) is None
    # A poll of another event is not even there.
    other = polls.create_poll(organiser, create_event(), "Anderswo")
    assert client.get(f"/organiser/events/{event.slug}/polls/{other.id}/edit").status_code == 404


def test_the_live_control_still_opens_a_vote_among_all_finalists_without_set_up(
        client, auth, create_event):
    event = create_event(finalists=3)
    auth.login_organiser()
    assert _control(client, event.slug, "open", title="ClusterERFOLG",
                    eligibility="registered").status_code == 303
    poll = polls.current_poll(event)
    assert poll.status == POLL_OPEN and poll.kind == KIND_FINALISTS
    assert [o.finalist_id for o in poll.candidates] == [f.id for f in finalists_of(event)]
