"""Polls set up by the organiser: several per event, each with its own kind, candidates,
state, announcement, reveal, results and hall-of-fame entry; the live control drives one at
a time and the ballot, the screen and the phones follow the poll on screen."""

import io

import pytest
from sqlalchemy import select

from eventapp.awards import cards, photos, polls, results, tally, voting
from eventapp.awards import finalists as awards
from eventapp.awards.finalists import finalists_of
from eventapp.awards.hall_of_fame import hall_of_fame
from eventapp.awards.models import Poll, PollKind, PollStatus
from eventapp.errors import Conflict, InvalidInput, NotFound
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.mailing.models import OutgoingMail
from eventapp.meeting_mails.services import queue_result

from ..helpers import image_bytes, reloaded


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
        "title": "ClusterERFOLG", "kind": PollKind.FINALISTS, "finalists": [third.id, first.id],
        "eligibility": "registered", "cards_may_vote": "y", "show_counts": "y",
    }).status_code == 303
    assert client.post(f"/organiser/events/{event.slug}/polls/new", data={
        "title": "Wieder hybrid?", "kind": PollKind.QUESTION, "eligibility": "registered",
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
    assert refused.status_code == 409 and reloaded(question).status == PollStatus.DRAFT
    receipts = [voting.cast_vote(award, voter, award.candidates[choice].id)  # first twice
                for voter, choice in zip(voters, [1, 1, 0], strict=True)]
    for action in ("close", "announce"):
        assert _control(client, event.slug, action).status_code == 303
    _reveal_all(client, event.slug, 2)
    assert reloaded(award).status == PollStatus.REVEALED
    assert reloaded(question).status == PollStatus.DRAFT  # the reveal made only the award public

    # Now the question: it is what the ballot and the screen follow.
    assert _control(client, event.slug, "open", poll=question.id,
                    title=question.title).status_code == 303
    assert polls.current_poll(event).id == question.id
    assert live.public_state(event)["poll"]["id"] == question.id
    auth.login_participant(voters[0])
    ballot = _ballot_names(client, event.slug)
    assert "Wieder hybrid?" in ballot and "Ja" in ballot and "Enthaltung" in ballot
    for voter, answer in zip(voters, [0, 0, 1], strict=True):
        voting.cast_vote(question, voter, question.candidates[answer].id)
    auth.login_organiser()
    for action in ("close", "announce"):
        assert _control(client, event.slug, action).status_code == 303
    assert results.snapshot_of(award).votes_cast == 3  # the first result stays as announced
    _reveal_all(client, event.slug, 3)  # abstain (no vote), no, yes
    # Ranking only: neither the screen's JSON nor its page show a count.
    state = client.get(f"/live/{event.slug}/state").get_json()
    assert state["results"]["show_counts"] is False
    assert all("votes" not in entry for entry in state["results"]["ranking"])
    assert [entry["label"] for entry in state["results"]["ranking"]][0] == "Ja"
    stage = client.get(f"/screen/{event.slug}/stage").get_data(as_text=True)
    assert "Stimmen" not in stage.replace("Stimmen abgegeben", "")

    page = client.get(f"/events/{event.slug}/results").get_data(as_text=True)
    assert "ClusterERFOLG" in page and "Wieder hybrid?" in page
    assert "2 Stimmen" in page  # the award shows its counts, the question does not
    question_part = page[page.index("Wieder hybrid?"):page.index("ClusterERFOLG")]
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
    # The result mail names both results, in the order they were set up.
    assert queue_result(organiser, event) == 3
    mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "result")).first()
    assert mail.subject == f"Die Ergebnisse: {event.title}"
    text = mail.body_text
    assert text.index("ClusterERFOLG") < text.index(first.organisation) \
        < text.index("Wieder hybrid?") < text.index("Ja", text.index("Wieder hybrid?"))


def test_a_people_award_hides_the_person_from_their_own_ballot(
        app, client, auth, create_event, register, organiser):
    event = create_event(finalists=0)
    anna, ben = register(event, email="anna@example.org").user, register(event).user
    auth.login_organiser()
    response = client.post(f"/organiser/events/{event.slug}/polls/new", data={
        "title": "Clustermanager des Jahres", "kind": PollKind.PEOPLE, "eligibility": "registered",
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
    with pytest.raises(voting.OwnCandidacy):
        voting.cast_vote(poll, anna, poll.candidates[0].id)
    assert voting.cast_vote(poll, anna, poll.candidates[1].id)
    auth.login_participant(ben)
    assert "Anna Beispiel" in _ballot_names(client, event.slug)
    assert voting.cast_vote(poll, ben, poll.candidates[0].id)
    polls.close_poll(organiser, poll)
    assert [(s.organisation, s.project_title, s.votes) for s in tally.tally(poll)] == [
        ("Anna Beispiel", "Clustermanagerin", 1), ("Carl Muster", "Sprecher", 1)]


def test_a_card_votes_in_a_yes_no_question(app, client, create_event, organiser):
    event = create_event()
    poll = polls.create_poll(organiser, event, "Mehr Pausen?", kind=PollKind.QUESTION)
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
    assert [(s.answer, s.votes) for s in tally.tally(poll)][0] == ("no", 1)


def test_only_a_draft_poll_is_changed_or_deleted(app, client, auth, create_event, organiser):
    event = create_event(finalists=2)
    poll = polls.create_poll(organiser, event, "Preis")
    polls.update_poll(organiser, poll, "Frage", "checked_in", False, PollKind.QUESTION, False)
    assert (reloaded(poll).title, poll.kind, poll.eligibility, len(poll.candidates)) == (
        "Frage", PollKind.QUESTION, "checked_in", 3)
    with pytest.raises(InvalidInput):
        polls.create_poll(organiser, event, "Leute", kind=PollKind.PEOPLE,
                          people=[polls.Person("Nur eine")])
    with pytest.raises(InvalidInput):
        polls.create_poll(organiser, event, "Fremd", finalist_ids=[999_999, 1])
    polls.open_poll(organiser, poll)
    with pytest.raises(Conflict):
        polls.update_poll(organiser, poll, "Anders", "registered", True, PollKind.QUESTION, True)
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
    assert poll.status == PollStatus.OPEN and poll.kind == PollKind.FINALISTS
    assert [o.finalist_id for o in poll.candidates] == [f.id for f in finalists_of(event)]


def test_a_draft_among_all_finalists_brings_its_ballot_to_the_waiting_page_and_keeps_it(
        organiser, create_event, register):
    """A waiting phone has the choices before the vote opens (issue 36, item 2): a draft
    among all finalists has them as options from the start, follows the finalists as they
    change, and opens with the very options the waiting pages hold."""
    event = create_event(finalists=2)
    person = register(event)
    poll = polls.create_poll(organiser, event, "Publikumspreis")  # no finalist chosen: all
    assert [o.finalist_id for o in poll.candidates] == [f.id for f in finalists_of(event)]
    assert [p.id for p, _ in voting.upcoming_sheets([poll], person=person.user)] == [poll.id]

    third = awards.add_finalist(organiser, event, organisation="Netzwerk 3", project_title="",
                                summary="", presenter="", pitch_order=3, pitch_seconds=180)
    awards.delete_finalist(organiser, finalists_of(event)[0])
    poll = reloaded(poll)
    assert [o.finalist_id for o in poll.candidates] == [f.id for f in finalists_of(event)]
    assert poll.candidates[-1].finalist_id == third.id
    waiting = [o.id for o in poll.candidates]

    polls.open_poll(organiser, poll)
    assert [o.id for o in reloaded(poll).candidates] == waiting

    two = [f.id for f in finalists_of(event)]
    chosen = polls.create_poll(organiser, event, "Auswahl", finalist_ids=two)
    awards.add_finalist(organiser, event, organisation="Netzwerk 4", project_title="",
                        summary="", presenter="", pitch_order=4, pitch_seconds=180)
    assert [o.finalist_id for o in reloaded(chosen).candidates] == two


def _photo(client, event, poll, person, **data):
    return client.post(
        f"/organiser/events/{event.slug}/polls/{poll.id}/people/{person.id}/photo",
        data={f"person-{person.id}-{key}": value for key, value in data.items()},
        content_type="multipart/form-data")


def test_each_person_of_a_people_award_has_their_photo_on_the_ballot_and_the_screen(
        app, client, auth, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=0)
    voter = register(event).user
    auth.login_organiser()
    created = client.post(f"/organiser/events/{event.slug}/polls/new", data={
        "title": "Clustermanager des Jahres", "kind": PollKind.PEOPLE, "eligibility": "registered",
        "people": "Anna Beispiel; Clustermanagerin\nCarl Muster; Sprecher", "show_counts": "y"})
    assert created.status_code == 303 and created.location.endswith("/edit#photos")
    (poll,) = polls.polls_of(event)
    anna = poll.candidates[0]
    assert _photo(client, event, poll, anna, photo=(io.BytesIO(image_bytes("JPEG")), "a.jpg"),
                  submit="y").status_code == 303
    assert reloaded(anna).has_photo and anna.photo_png.startswith(b"\x89PNG")  # re-encoded
    photo_url = f"/polls/options/{anna.id}/photo.png?v=1"
    edit = client.get(f"/organiser/events/{event.slug}/polls/{poll.id}/edit")
    assert photo_url in edit.get_data(as_text=True)
    # Not an image: a clear message beside the field, and the photo already saved stays.
    refused = _photo(client, event, poll, anna, photo=(io.BytesIO(b"%PDF-1.4"), "a.png"),
                     submit="y")
    assert refused.status_code == 422
    assert "Das Foto muss ein PNG- oder JPEG-Bild sein." in refused.get_data(as_text=True)
    assert reloaded(anna).has_photo and anna.photo_version == 1
    # Before the poll opens only the event's staff sees it (a shortlist may be a secret).
    response = client.get(photo_url)
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    client.post("/auth/logout", data={})
    assert client.get(photo_url).status_code == 404

    # Saving the poll again with one more person keeps Anna's photo.
    auth.login_organiser()
    assert client.post(f"/organiser/events/{event.slug}/polls/{poll.id}/edit", data={
        "title": poll.title, "kind": PollKind.PEOPLE, "eligibility": "registered",
        "people": "Anna Beispiel; Clustermanagerin\nCarl Muster; Sprecher\nDora Neu; Gast",
        "show_counts": "y"}).status_code == 303
    anna, carl, _dora = reloaded(poll).candidates
    assert anna.has_photo and not carl.has_photo
    photo_url = f"/polls/options/{anna.id}/photo.png?v=1"
    assert _control(client, event.slug, "open", poll=poll.id, title=poll.title).status_code == 303
    assert _photo(client, event, poll, anna, remove="y").status_code == 409  # open: as voted

    auth.login_participant(voter)
    assert photo_url in _ballot_names(client, event.slug)
    client.post("/auth/logout", data={})
    response = client.get(photo_url)
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    voting.cast_vote(poll, voter, anna.id)
    polls.close_poll(organiser, poll)
    live.announce(organiser, event)
    live.publish_results(organiser, event)
    ranking = live.public_state(event)["results"]["ranking"]
    assert [entry["label"] for entry in ranking][:2] == ["Anna Beispiel", "Carl Muster"]
    assert ranking[0]["image"].endswith(photo_url) and ranking[1]["image"] is None
    stage = client.get(f"/screen/{event.slug}/stage").get_data(as_text=True)
    assert f'src="{photo_url}"' in stage


def test_a_person_loses_their_photo_only_when_the_organiser_removes_it(
        client, auth, create_event, organiser):
    event = create_event(finalists=0)
    poll = polls.create_poll(organiser, event, "Preis", kind=PollKind.PEOPLE,
                             people=[polls.Person("Anna"), polls.Person("Ben")])
    anna = poll.candidates[0]
    photos.set_photo(organiser, poll, anna.id, image_bytes())
    auth.login_organiser()
    assert _photo(client, event, poll, anna).status_code == 422  # neither photo nor remove
    assert _photo(client, event, poll, anna, remove="y").status_code == 303
    assert not reloaded(anna).has_photo and anna.photo_png is None
    assert client.get(f"/polls/options/{anna.id}/photo.png").status_code == 404
    # Only people have photos; a question's answers do not.
    question = polls.create_poll(organiser, event, "Frage?", kind=PollKind.QUESTION)
    with pytest.raises(NotFound):
        photos.set_photo(organiser, question, question.candidates[0].id, image_bytes())


def _two_announced_polls(create_event, register, organiser):
    """An award and a question of one event, both voted, closed and announced; the question,
    opened second, is on the screen."""
    event = create_event(finalists=2)
    voters = [register(event).user for _ in range(2)]
    award = polls.create_poll(organiser, event, "ClusterERFOLG")
    question = polls.create_poll(organiser, event, "Wieder hybrid?", kind=PollKind.QUESTION)
    for poll in (award, question):
        live.open_vote(organiser, event, poll_id=poll.id)
        for voter in voters:
            voting.cast_vote(poll, voter, poll.candidates[0].id)
        live.close_vote(organiser, event)
        live.announce(organiser, event)
    return event, award, question


def test_revealing_one_poll_keeps_another_announced_one_unpublished(
        app, client, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event, award, question = _two_announced_polls(create_event, register, organiser)

    live.publish_results(organiser, event)  # the question, on the screen

    assert reloaded(question).status == PollStatus.REVEALED
    assert reloaded(award).status == PollStatus.ANNOUNCED  # its own show is still to come
    page = client.get(f"/events/{event.slug}/results").get_data(as_text=True)
    assert "Wieder hybrid?" in page and "ClusterERFOLG" not in page


def test_the_live_control_brings_an_earlier_poll_back_to_the_screen(
        app, client, auth, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event, award, question = _two_announced_polls(create_event, register, organiser)
    live.publish_results(organiser, event)
    auth.login_organiser()
    control = client.get(f"/organiser/events/{event.slug}/live").get_data(as_text=True)
    assert f'name="poll" value="{award.id}"' in control

    assert _control(client, event.slug, "show_poll", poll=award.id).status_code == 303
    assert polls.current_poll(event).id == award.id
    state = live.public_state(event)
    assert state["poll"]["id"] == award.id and state["mode"] == "results"
    assert state["results"]["ranking"] == []  # its reveal starts from the last place
    _reveal_all(client, event.slug, 2)  # the finalist without a vote, then the winner
    assert reloaded(award).status == PollStatus.REVEALED
    # A draft is opened, not shown; another event's poll is not this event's.
    other = polls.create_poll(organiser, create_event(finalists=2), "Fremd")
    assert _control(client, event.slug, "show_poll", poll=other.id).status_code == 404


def test_the_live_control_says_which_poll_the_screen_shows_and_brings_it_back(
        client, auth, create_event, organiser):
    event = create_event(finalists=2)
    award = polls.create_poll(organiser, event, "ClusterERFOLG")
    polls.create_poll(organiser, event, "Wieder hybrid?", kind=PollKind.QUESTION)
    auth.login_organiser()

    def poll_list():
        control = client.get(f"/organiser/events/{event.slug}/live").get_data(as_text=True)
        return control[control.index('id="poll-list"'):]

    # The screen shows the welcome: the poll the buttons act on is next, not on the screen.
    listed = poll_list()
    assert "auf dem Bildschirm</span>" not in listed and "als Nächstes</span>" in listed
    live.open_vote(organiser, event, poll_id=award.id)
    listed = poll_list()
    assert "auf dem Bildschirm</span>" in listed and "als Nächstes</span>" not in listed
    badge = listed.index("auf dem Bildschirm")
    assert badge < listed.index("ClusterERFOLG") < listed.index("hybrid")
    # The vote runs on while the screen shows the welcome: its poll is not next, it is open,
    # and the organiser can put it back on the screen (to show the turnout again).
    live.show_welcome(organiser, event)
    listed = poll_list()
    assert "nicht auf dem Bildschirm</span>" in listed and "als Nächstes</span>" not in listed
    control = client.get(f"/organiser/events/{event.slug}/live").get_data(as_text=True)
    assert f'name="poll" value="{award.id}"' in control  # its "put on the screen"
    assert _control(client, event.slug, "show_poll", poll=award.id).status_code == 303
    assert live.public_state(event)["mode"] == "vote"
    assert "auf dem Bildschirm</span>" in poll_list()


def test_a_ranking_only_result_publishes_no_choice_next_to_the_receipts(
        app, client, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2)
    question = polls.create_poll(organiser, event, "Wieder hybrid?", kind=PollKind.QUESTION,
                                 show_counts=False)
    live.open_vote(organiser, event, poll_id=question.id)
    receipts = [voting.cast_vote(question, register(event).user, question.candidates[0].id)
                for _ in range(3)]
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    live.publish_results(organiser, event)

    page = client.get(f"/events/{event.slug}/results").get_data(as_text=True)
    assert "Wieder hybrid?" in page and "receipts-table" not in page
    assert not any(receipt in page for receipt in receipts)  # nothing to count by
    # Each voter still checks their own vote.
    lookup = client.get(f"/events/{event.slug}/results?receipt={receipts[1]}")
    found = lookup.get_data(as_text=True)
    assert receipts[1] in found and "gezählt" in found and "Ja" in found


def test_who_registers_or_walks_in_during_a_vote_counts_among_the_eligible(
        app, orga, create_event, register, organiser, mailbox):
    event = create_event(finalists=2, format="in_person", venue="Berlin")
    for _ in range(2):
        register(event)
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    assert reloaded(poll).eligible_count == 2

    register(event)  # confirmed while the vote is open
    assert orga.post(f"/organiser/events/{event.slug}/checkin/walk-in", data={
        "name": "Wanda Walk-in", "email": "wanda@example.org", "consent": "y"}
    ).status_code == 303

    assert reloaded(poll).eligible_count == 4
