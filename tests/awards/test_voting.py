"""The award vote through the pages: ballot, confirm, receipt, live control, results."""

import pytest
from flask import template_rendered
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from eventapp.awards import polls, voting
from eventapp.awards.finalists import finalists_of
from eventapp.awards.hall_of_fame import hall_of_fame
from eventapp.awards.models import Ballot, Participation, PollStatus
from eventapp.events.services import event_languages
from eventapp.extensions import db
from tests.helpers import copy_of_the_session, reloaded, statements_during


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
        finalist = polls.current_poll(event).candidates[0]
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


def test_phones_follow_the_show_without_the_turnout(client, auth, show):
    # A hall of phones on the ballot page needs to know when the vote opens and closes, not
    # every vote counted: their answers stay 304 while the votes come in (bench/README.md).
    event, people = show
    auth.login_participant(people[0])
    assert f'data-state-url="/live/{event.slug}/show"' in client.get(
        f"/events/{event.slug}/vote").get_data(as_text=True)
    auth.logout()
    _open(client, auth, event)
    url = f"/live/{event.slug}/show"
    opened = client.get(url)
    assert opened.get_json() == {"tag": opened.headers["ETag"].strip('"'), "mode": "vote",
                                 "poll": {"id": polls.current_poll(event).id, "status": "open"}}
    voting.cast_vote(polls.current_poll(event), people[1],
                      polls.current_poll(event).candidates[0].id)
    assert client.get(url, headers={"If-None-Match": opened.headers["ETag"]}).status_code == 304
    full = client.get(f"/live/{event.slug}/state")
    assert full.headers["ETag"] != opened.headers["ETag"] and full.get_json()["poll"]["votes"] == 1
    auth.login_organiser()
    _control(client, event, "close")
    closed = client.get(url, headers={"If-None-Match": opened.headers["ETag"]})
    assert closed.status_code == 200 and closed.get_json()["poll"]["status"] == "closed"
    assert client.get("/live/no-such-event/show").status_code == 404


def _open(client, auth, event):
    auth.login_organiser()
    _control(client, event, "open", title="ClusterERFOLG")
    auth.logout()


def test_ballot_page_refuses_bad_and_second_votes_with_a_message(client, auth, show):
    event, people = show
    _open(client, auth, event)
    auth.login_participant(people[0])
    url = f"/events/{event.slug}/vote"

    assert client.post(url, data={}).status_code == 422
    assert client.post(url, data={"finalist": "abc"}).status_code == 422
    assert client.post(url, data={"finalist": 99999, "confirmed": "1"}).status_code == 422
    finalist = polls.current_poll(event).candidates[0]
    assert client.post(url, data={"finalist": finalist.id, "confirmed": "1"}).status_code == 200
    again = client.post(url, data={"finalist": finalist.id, "confirmed": "1"})

    assert again.status_code == 409
    assert "bereits abgestimmt" in again.get_data(as_text=True)
    auth.login_organiser()
    _control(client, event, "close")
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_ballot_page_before_opening_and_for_outsiders(client, auth, show, create_event,
                                                      register):
    event, people = show
    auth.login_participant(people[0])
    page = client.get(f"/events/{event.slug}/vote")
    assert page.status_code == 200 and "noch nicht" in page.get_data(as_text=True)
    assert client.post(f"/events/{event.slug}/vote", data={"finalist": 1}).status_code == 409

    _open(client, auth, event)
    outsider = register(create_event(sessions=()), email="outsider@example.org").user
    auth.login_participant(outsider)
    assert client.get(f"/events/{event.slug}/vote").status_code == 403


@pytest.fixture
def cached_ballot(app, monkeypatch):
    """The ballot's caches as in production (its own and the meeting's language), but keeping
    what they read for a minute."""
    monkeypatch.setitem(app.extensions, "ballot_cache", polls.ballot_cache(60, 8))
    monkeypatch.setitem(app.extensions, "event_languages", event_languages(60, 8))


def test_the_ballot_reads_its_event_and_poll_once_per_cache_time(client, auth, show,
                                                                 cached_ballot):
    event, people = show
    _open(client, auth, event)
    auth.login_participant(people[0])
    url = f"/events/{event.slug}/vote"
    read = []

    def note(_connection, _cursor, statement, *_args):
        read.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", note)
    for _ in range(3):
        assert client.get(url).status_code == 200
    sa_event.remove(db.engine, "before_cursor_execute", note)
    read_from = lambda table: sum(f"FROM {table} " in s.replace("\n", " ") for s in read)  # noqa: E731
    # Once for the event and its poll, once for its language (which picks the page's).
    assert read_from("events") == 2 and read_from("polls") == 1


def test_a_ballot_cached_as_open_counts_no_vote_after_the_close(client, auth, show,
                                                                 cached_ballot):
    event, people = show
    _open(client, auth, event)
    auth.login_participant(people[0])
    url = f"/events/{event.slug}/vote"
    finalist = polls.current_poll(event).candidates[0]
    assert client.get(url).status_code == 200  # the open poll is in the cache now
    polls.close_poll(None, polls.current_poll(event))

    late = client.post(url, data={"finalist": finalist.id, "confirmed": "1"})
    assert late.status_code == 409 and "nicht geöffnet" in late.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0
    assert reloaded(polls.current_poll(event)).votes_cast == 0


def test_a_vote_by_link_loads_no_user_and_sends_two_statements(app, client, auth, show,
                                                                cached_ballot):
    """The cast checks the session's generation in its own statement (eligibility._VOTER), so
    the hot path spends no round trip on loading the signed-in user; on PostgreSQL the vote's
    timeouts come with that statement and its writes are one (bench/README.md)."""
    event, people = show
    _open(client, auth, event)
    auth.login_participant(people[0])
    url = f"/events/{event.slug}/vote"
    finalist = polls.current_poll(event).candidates[0]
    assert client.get(url).status_code == 200
    vote = {"finalist": finalist.id, "confirmed": "1", "csrf_token": client.csrf_token()}

    sent, response = statements_during(app, lambda: client.post(url, data=vote))

    assert response.status_code == 200 and 'id="receipt"' in response.get_data(as_text=True)
    statements = [statement.replace("\n", " ") + " " for statement in sent]
    assert not [statement for statement in statements if " FROM users " in statement]
    if db.engine.dialect.name == "postgresql":
        assert len(statements) == 2 and "set_config" in statements[0]


def test_the_receipt_page_is_rendered_once_per_language_and_shows_each_voter_only_theirs(
        app, client, auth, show, cached_ballot):
    """The vote's page is kept per event and language in each process (bench/README.md):
    what one voter's session holds must never reach another's receipt."""
    event, people = show
    _open(client, auth, event)
    url = f"/events/{event.slug}/vote"
    finalist = polls.current_poll(event).candidates[0]
    rendered = []
    record = lambda _app, template, **_extra: rendered.append(template.name)  # noqa: E731
    pages = {}
    with template_rendered.connected_to(record, app):
        for person, language in zip(people, ("de", "en", "de"), strict=True):
            auth.login_participant(person)
            with client.session_transaction() as session:
                session["lang"] = language
                session["_flashes"] = [("info", f"Nur für {person.email}")]
            response = client.post(url, data={"finalist": finalist.id, "confirmed": "1"})
            assert response.status_code == 200
            pages[person.email] = response.get_data(as_text=True)

    assert rendered.count("awards/receipt.html") == 2  # once in German, once in English
    receipts = [page.split('id="receipt">', 1)[1].split("<", 1)[0] for page in pages.values()]
    assert len(set(receipts)) == 3
    for page, receipt in zip(pages.values(), receipts, strict=True):
        assert [r for r in receipts if r in page] == [receipt]
        assert "Nur für" not in page  # a message waiting in the session waits for the next page
    german, english = pages[people[2].email], pages[people[1].email]
    assert "Ihre Stimme wurde gezählt" in german
    assert 'lang="en"' in english and "Your vote was counted" in english


def test_a_vote_without_the_pages_csrf_token_counts_nothing(client, auth, show):
    event, people = show
    _open(client, auth, event)
    auth.login_participant(people[0])
    url = f"/events/{event.slug}/vote"
    finalist = polls.current_poll(event).candidates[0]
    page = client.get(url).get_data(as_text=True)
    assert 'id="csrf_token" name="csrf_token" type="hidden" value="' in page

    for token in ("forged", ""):
        refused = client.post(url, data={"finalist": finalist.id, "confirmed": "1",
                                         "csrf_token": token})
        assert refused.status_code == 400
    assert reloaded(polls.current_poll(event)).votes_cast == 0
    confirm = client.post(url, data={"finalist": finalist.id}).get_data(as_text=True)
    assert 'id="csrf_token" name="csrf_token" type="hidden" value="' in confirm


def test_a_copied_session_cannot_vote_once_its_owner_signed_out(app, client, auth, show):
    event, people = show
    _open(client, auth, event)
    auth.login_participant(people[0])
    url = f"/events/{event.slug}/vote"
    finalist = polls.current_poll(event).candidates[0]
    thief = copy_of_the_session(app, client)
    assert 'name="finalist"' in thief.get(url).get_data(as_text=True)
    auth.logout()  # ends every session of the owner, the copy's too

    stolen = thief.post(url, data={"finalist": finalist.id, "confirmed": "1"})

    assert stolen.status_code == 302 and stolen.headers["Location"].endswith(url)
    assert 'name="finalist"' not in thief.get(url).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0
    assert reloaded(polls.current_poll(event)).votes_cast == 0


def test_a_phone_neither_signed_in_nor_holding_a_card_is_offered_both(client, show):
    event, _people = show
    response = client.get(f"/events/{event.slug}/vote")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="code"' in page and "/auth/sign-in" in page
    assert 'name="finalist"' not in page
    sent = client.post(f"/events/{event.slug}/vote", data={"finalist": 1, "confirmed": "1"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(
        f"/events/{event.slug}/vote")


def test_participants_cannot_run_the_show(client, auth, show):
    event, people = show
    auth.login_participant(people[0])
    assert client.get(f"/organiser/events/{event.slug}/live").status_code == 403
    for action in ("welcome", "open", "close", "announce", "reveal", "runoff"):
        assert _control(client, event, action, title="x").status_code == 403
    assert polls.current_poll(event) is None


def test_control_refuses_impossible_steps_with_a_message(client, auth, show):
    event, _people = show
    auth.login_organiser()
    response = _control(client, event, "announce")
    assert response.status_code == 404
    assert _control(client, event, "reveal").status_code == 409
    assert _control(client, event, "unknown").status_code == 404
    assert _control(client, event, "pitch", finalist="x").status_code == 422
    assert _control(client, event, "pitch", finalist=99999).status_code == 404


def test_results_are_secret_until_announced(client, auth, show):
    event, people = show
    _open(client, auth, event)
    assert client.get(f"/events/{event.slug}/results").status_code == 404
    state = client.get(f"/live/{event.slug}/state").get_json()
    assert state["results"] is None


def test_organiser_marks_team_members_who_then_cannot_vote_for_their_finalist(client, auth,
                                                                              show):
    event, people = show
    finalist = finalists_of(event)[0]
    auth.login_organiser()
    team_url = f"/organiser/events/{event.slug}/finalists/{finalist.id}/team"
    assert client.post(team_url, data={"email": "nobody@example.org"}).status_code == 422
    assert client.post(team_url, data={"email": people[0].email.upper()}).status_code == 303
    _control(client, event, "open", title="ClusterERFOLG")
    auth.logout()

    auth.login_participant(people[0])
    page = client.get(f"/events/{event.slug}/vote").get_data(as_text=True)
    assert f'value="{finalist.id}"' not in page
    response = client.post(f"/events/{event.slug}/vote",
                           data={"finalist": finalist.id, "confirmed": "1"})
    assert response.status_code == 403


def test_demo_vote_leaves_niro_the_revealed_winner_in_the_hall_of_fame(client, runner):
    result = runner.invoke(args=["seed", "demo", "--voted", "--participants", "20"])
    assert result.exit_code == 0, result.output

    results = client.get("/events/clustertreffen-2022/results").get_data(as_text=True)
    index = client.get("/").get_data(as_text=True)

    assert results.index("Netzwerk Industrie RuhrOst") < results.index("Beispielcluster A")
    assert "ClusterERFOLG 2022" in index and "Netzwerk Industrie RuhrOst" in index
    assert runner.invoke(args=["seed", "demo", "--voted"]).exit_code == 0  # idempotent
    (entry,) = [e for e in hall_of_fame() if e.event is not None]
    # The award of 2022 is revealed; the next meeting's polls wait as drafts (tests/demo).
    assert [p.status for p in polls.polls_of(entry.event)] == [PollStatus.REVEALED]


def test_a_vote_that_cannot_open_leaves_no_poll_behind(client, auth, create_event):
    event = create_event(finalists=1)
    auth.login_organiser()
    assert _control(client, event, "open", title="ClusterERFOLG").status_code == 422
    assert polls.polls_of(event) == []
