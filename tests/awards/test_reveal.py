"""The reveal: nothing public shows the result before the big screen has reached the winner
(or the organiser published it without a show); then everything does at once.

The walk takes every GET route of the app from its URL map (the organiser's own pages
aside), as a visitor and as a signed-in voter, at each step of the reveal, and looks for
markers of the result: the receipt codes, the vote counts and the names of the finalists.
A marker that a page shows already before the announcement (the event page lists the
finalists) is not a leak on that page; the big screen and its JSON state may show the
places revealed so far, and nothing more.
"""

import re

import pytest
from sqlalchemy import select

from eventapp.audit.models import AuditLog
from eventapp.awards import finalists as awards
from eventapp.awards import polls, results, tally, voting
from eventapp.awards.models import PollStatus
from eventapp.errors import Forbidden
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.mailing.models import OutgoingMail

# (organisation, project, votes): three distinct ranks, so three reveal steps.
FINALISTS = [("Siegernetz Alpha", "Projekt Lorbeer", 4), ("Zweitnetz Beta", "Projekt Silber", 2),
             ("Drittnetz Gamma", "Projekt Bronze", 1)]
WINNER = FINALISTS[0][0]
STEPS = 3
# Every URL parameter of a public route gets a value here; a new one fails the walk.
UNKNOWN_TOKEN = "unknown-token"


@pytest.fixture
def ceremony(app, create_event, register, organiser):
    """A closed vote with known counts and every voter's receipt; the event is on screen."""
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(sessions=())
    for order, (organisation, project, _votes) in enumerate(FINALISTS, start=1):
        awards.add_finalist(organiser, event, organisation=organisation, project_title=project,
                            summary="", presenter="", pitch_order=order, pitch_seconds=180)
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    voters, receipts = [], []
    for candidate, (_organisation, _project, votes) in zip(poll.candidates, FINALISTS,
                                                           strict=True):
        for _ in range(votes):
            voter = register(event, email=f"voter{len(voters)}@example.org").user
            voters.append(voter)
            receipts.append(voting.cast_vote(poll, voter, candidate.id))
    live.close_vote(organiser, event)
    return {"event": event, "poll": poll, "voters": voters, "receipts": receipts,
            "finalist_id": poll.candidates[0].id}


def _public_urls(app, ceremony) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route that is not one of the organiser's pages."""
    values = {"slug": ceremony["event"].slug, "finalist_id": ceremony["finalist_id"],
              "token": UNKNOWN_TOKEN, "code": UNKNOWN_TOKEN, "application_id": 1,
              "network": ceremony["event"].network.slug, "option_id": ceremony["finalist_id"],
              "event": ceremony["event"].slug, "secret": UNKNOWN_TOKEN, "speaker_id": 1}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith("/organiser/") \
                or rule.endpoint == "static" or rule.endpoint.startswith("bootstrap."):
            continue
        assert rule.arguments <= values.keys(), f"give {rule.rule} its parameters in the walk"
        urls.append((rule.endpoint, rule.build({k: values[k] for k in rule.arguments})[1]))
    # The receipt lookup of the results page answers for one code.
    urls.append(("awards.results", f"/events/{ceremony['event'].slug}/results"
                                   f"?receipt={ceremony['receipts'][0]}"))
    # Following a sign-in link signs the visitor out first: walk it last.
    return sorted(urls, key=lambda pair: pair[0] == "auth.sign_in_with_link")


def _markers(ceremony) -> dict[str, re.Pattern]:
    """What gives the result away, by name: receipts, counts, the finalists' names."""
    markers = {f"receipt {code}": re.compile(re.escape(code)) for code in ceremony["receipts"]}
    for organisation, _project, votes in FINALISTS:
        markers[organisation] = re.compile(re.escape(organisation))
        # "4 Stimmen" / "4 votes" on pages, "votes": 4 in JSON
        markers[f"{votes} votes"] = re.compile(
            rf'(?<![\d.,]){votes}\s+(Stimmen?|votes?)\b|"votes":\s*{votes}\b')
    return markers


def _revealed_names(step: int) -> set[str]:
    """The finalists the big screen shows after `step` reveals (last place first)."""
    return {organisation for organisation, _p, _v in FINALISTS[len(FINALISTS) - step:]}


def _allowed_on_screen(step: int) -> set[str]:
    names = _revealed_names(step)
    return names | {f"{votes} votes" for organisation, _p, votes in FINALISTS
                    if organisation in names}


SCREEN = {"live.state", "live.screen", "live.stage", "live.stage_page"}


def _walk(client, auth, app, ceremony) -> dict[tuple[str, str], tuple[str, int, str]]:
    """Every public page as a visitor and as a voter: (who, url) -> (endpoint, status, body)."""
    pages = {}
    for who in ("visitor", "voter"):
        client.post("/auth/logout", data={})
        if who == "voter":
            auth.login_participant(ceremony["voters"][0])
        for endpoint, url in _public_urls(app, ceremony):
            response = client.get(url)
            pages[(who, url)] = (endpoint, response.status_code,
                                 response.get_data().decode("utf-8", "replace"))
    return pages


def _leaks(pages, baseline, markers, allowed_on_screen) -> list[str]:
    found = []
    for key, (endpoint, _status, body) in pages.items():
        before = baseline[key][2]
        allowed = allowed_on_screen if endpoint in SCREEN else set()
        for name, pattern in markers.items():
            if name not in allowed and pattern.search(body) and not pattern.search(before):
                found.append(f"{key[0]} {key[1]}: {name}")
    return found


def _reveal_step(organiser, ceremony, step):
    """Step 0 announces; every further step reveals one more place on the big screen."""
    if step == 0:
        live.announce(organiser, ceremony["event"])
    else:
        live.reveal_next(organiser, ceremony["event"])


def test_nothing_public_shows_the_result_until_the_winner_is_revealed(client, auth, app,
                                                                      organiser, ceremony):
    markers = _markers(ceremony)
    baseline = _walk(client, auth, app, ceremony)
    assert len(baseline) >= 2 * 20  # the walk really covers the app
    slug = ceremony["event"].slug

    for step in range(STEPS + 1):
        _reveal_step(organiser, ceremony, step)
        pages = _walk(client, auth, app, ceremony)
        state = client.get(f"/live/{slug}/state").get_json()
        shown = {entry["organisation"] for entry in state["results"]["ranking"]}
        assert shown == _revealed_names(step), f"step {step}: the screen shows {shown}"
        if step < STEPS:
            leaks = _leaks(pages, baseline, markers, _allowed_on_screen(step))
            assert leaks == [], f"step {step} gives the result away:\n" + "\n".join(leaks)
            assert polls.current_poll(ceremony["event"]).status == PollStatus.ANNOUNCED

    # The winner is on the screen: now everything is public at once.
    assert polls.current_poll(ceremony["event"]).status == PollStatus.REVEALED
    _assert_everything_public(pages, ceremony, markers)


def _assert_everything_public(pages, ceremony, markers):
    slug = ceremony["event"].slug
    for who in ("visitor", "voter"):
        endpoint, status, results = pages[(who, f"/events/{slug}/results")]
        assert status == 200
        for name, pattern in markers.items():
            assert pattern.search(results), f"{who}: the result page lacks {name}"
        for url in ("/", "/hall-of-fame"):
            assert WINNER in pages[(who, url)][2], f"{who}: {url} lacks the winner"
        assert f"/events/{slug}/results" in pages[(who, f"/events/{slug}/")][2]
        lookup = pages[(who, f"/events/{slug}/results?receipt={ceremony['receipts'][0]}")][2]
        assert 'id="lookup"' in lookup and WINNER in lookup


def test_publishing_without_a_show_makes_everything_public_at_once(client, auth, app,
                                                                   organiser, ceremony):
    markers = _markers(ceremony)
    baseline = _walk(client, auth, app, ceremony)
    slug = ceremony["event"].slug
    live.announce(organiser, ceremony["event"])
    assert _leaks(_walk(client, auth, app, ceremony), baseline, markers, set()) == []

    client.post("/auth/logout", data={})
    auth.login_participant(ceremony["voters"][0])
    url = f"/organiser/events/{slug}/live/publish"
    assert client.post(url, data={}).status_code == 403  # participants cannot
    auth.login_organiser()
    assert client.post(url, data={"csrf_token": ""}).status_code == 400  # CSRF
    assert polls.current_poll(ceremony["event"]).status == PollStatus.ANNOUNCED
    assert client.post(url, data={}).status_code == 303

    assert polls.current_poll(ceremony["event"]).status == PollStatus.REVEALED
    entry = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "poll.revealed")).one()
    assert entry.actor_id == organiser.id and entry.details["show"] is False
    pages = _walk(client, auth, app, ceremony)
    _assert_everything_public(pages, ceremony, markers)
    state = client.get(f"/live/{slug}/state").get_json()
    assert {e["organisation"] for e in state["results"]["ranking"]} == _revealed_names(STEPS)
    # Publishing twice is refused with a message.
    auth.login_organiser()
    again = client.post(url, data={})
    assert again.status_code == 409


def test_organiser_sees_the_result_marked_as_not_public_yet(client, auth, organiser, ceremony):
    slug = ceremony["event"].slug
    live.announce(organiser, ceremony["event"])
    auth.login_organiser()
    page = client.get(f"/organiser/events/{slug}/live").get_data(as_text=True)
    assert WINNER in page and 'id="result-not-public"' in page
    assert f"/organiser/events/{slug}/live/publish" in page
    assert f'/organiser/events/{slug}/mail/result' not in page  # not before the reveal

    for _ in range(STEPS):
        live.reveal_next(organiser, ceremony["event"])
    page = client.get(f"/organiser/events/{slug}/live").get_data(as_text=True)
    assert 'id="result-not-public"' not in page
    assert f'/organiser/events/{slug}/mail/result' in page
    assert f"/organiser/events/{slug}/live/publish" not in page


def _result_mails() -> int:
    return len(db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.kind == "result")).all())


def test_result_mail_goes_out_only_after_the_reveal(client, auth, organiser, ceremony):
    slug = ceremony["event"].slug
    auth.login_organiser()
    url = f"/organiser/events/{slug}/mail/result"
    live.announce(organiser, ceremony["event"])
    for _ in range(STEPS - 1):
        live.reveal_next(organiser, ceremony["event"])
        refused = client.post(url, data={})
        assert refused.status_code == 409
        assert "Großbildschirm" in refused.get_data(as_text=True)
        assert _result_mails() == 0

    live.reveal_next(organiser, ceremony["event"])
    assert client.post(url, data={}).status_code == 303
    assert _result_mails() == len(ceremony["voters"])


def test_receipts_stay_unpublished_until_the_reveal(organiser, ceremony):
    poll = ceremony["poll"]
    live.announce(organiser, ceremony["event"])
    with pytest.raises(Forbidden):
        tally.receipts_of(poll)
    live.publish_results(organiser, ceremony["event"])
    db.session.refresh(poll)
    assert sorted(code for code, _finalist in tally.receipts_of(poll)) == \
        sorted(ceremony["receipts"])


def test_a_runoff_keeps_its_tied_parent_unpublished_until_its_own_reveal(
        app, create_event, register, organiser):
    app.config["MAIL_SUPPRESS_SEND"] = True
    event = create_event(finalists=2, sessions=())
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    voters = [register(event, email=f"tie{i}@example.org").user for i in range(2)]
    for voter, finalist in zip(voters, poll.candidates, strict=True):
        voting.cast_vote(poll, voter, finalist.id)
    live.close_vote(organiser, event)
    runoff = live.start_runoff(organiser, event)
    assert poll.status == PollStatus.ANNOUNCED  # announced as it stands, but not public
    with pytest.raises(results.NoPublicResult):
        results.public_results(event)

    live.open_vote(organiser, event, "Stichwahl")
    voting.cast_vote(runoff, voters[0], runoff.candidates[1].id)
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    for _ in range(2):
        live.reveal_next(organiser, event)

    assert [r.poll.id for r in results.public_results(event)] == [runoff.id, poll.id]
