"""Online and hybrid meetings: the stage page, its stream, presence, breakout rooms, and the
meeting's main language."""

from datetime import timedelta

import pytest

from eventapp.awards import eligibility, polls, voting
from eventapp.awards.models import Eligibility
from eventapp.breakouts.services import room_links_for, sessions_by_slot
from eventapp.checkin.services import check_in
from eventapp.database import utcnow
from eventapp.live.online import stream_of

from ..helpers import EVENT_FORM, confirm_link, reloaded


def _running(create_event, **overrides):
    """A meeting that began 50 minutes ago; its breakout slot starts in 10 minutes."""
    start = utcnow().replace(microsecond=0) - timedelta(minutes=50)
    return create_event(starts_at=start, finalists=3, format="hybrid", venue="Berlin",
                        **overrides)


@pytest.fixture
def join(register):
    """Register someone for a hybrid meeting, online unless said otherwise."""
    def factory(event, email=None, mode="online", **values):
        return register(event, email=email, attendance_mode=mode, **values)
    return factory


def _stage(client, event):
    return client.get(f"/events/{event.slug}/stage")


# --- the stream ---------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "player", "origin"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com"),
    ("https://youtu.be/dQw4w9WgXcQ",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ?si=x",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871",
     "https://player.vimeo.com"),
    # Not a provider we embed, or not a video of one: a link, and the CSP stays shut.
    ("https://stream.example.org/live", "https://stream.example.org/live", None),
    ("https://www.youtube.com/watch?v=<script>", "https://www.youtube.com/watch?v=<script>",
     None),
])
def test_a_stream_is_embedded_only_from_an_allowed_provider(create_event, given, player,
                                                            origin):
    stream = stream_of(create_event(stream_url=given))
    assert (stream.url, stream.frame_origin) == (player, origin)


def test_the_stage_page_allows_frames_from_its_stream_and_no_other_page_does(
        client, auth, create_event, join):
    event = _running(create_event, stream_url="https://vimeo.com/76979871")
    auth.login_participant(join(event).user)
    page = _stage(client, event)
    assert page.status_code == 200
    assert 'src="https://player.vimeo.com/video/76979871"' in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"].endswith("; frame-src https://player.vimeo.com")
    assert "frame-src" not in client.get(f"/events/{event.slug}/").headers[
        "Content-Security-Policy"]


def test_every_load_of_a_stage_page_allows_frames_from_its_stream(client, auth, create_event,
                                                                  join):
    # Not only the first one per provider and process: a reload, or the next meeting on the
    # same provider, must not find its player blocked by the CSP.
    first = _running(create_event, stream_url="https://vimeo.com/76979871")
    second = _running(create_event, stream_url="https://vimeo.com/22439234")
    person = join(first)
    join(second, email=person.user.email)
    auth.login_participant(person.user)
    for event in (first, first, second, second):
        policy = _stage(client, event).headers["Content-Security-Policy"]
        assert policy.endswith("; frame-src https://player.vimeo.com"), event.slug


def test_a_stream_that_cannot_be_embedded_is_a_link(client, auth, create_event, join):
    event = _running(create_event, stream_url="https://stream.example.org/live")
    auth.login_participant(join(event).user)
    page = _stage(client, event)
    assert 'href="https://stream.example.org/live"' in page.get_data(as_text=True)
    assert "frame-src" not in page.headers["Content-Security-Policy"]


def test_a_stream_address_must_be_https(orga, create_event):
    event = create_event()
    response = orga.post(f"/organiser/events/{event.slug}/edit",
                         data={**EVENT_FORM, "slug": event.slug,
                               "stream_url": "javascript:alert(1)"})
    assert response.status_code == 422
    assert reloaded(event).stream_url == ""


# --- presence -----------------------------------------------------------------------------


def test_opening_the_stage_during_the_meeting_makes_a_participant_present(
        client, auth, create_event, join):
    running, later = _running(create_event), create_event()
    there = join(running)
    waiting = join(later, email=there.user.email)
    auth.login_participant(there.user)
    _stage(client, running)
    _stage(client, later)
    assert reloaded(there).present_online is True
    assert reloaded(waiting).present_online is False  # it has not begun: not there yet


def test_a_poll_for_who_is_there_takes_the_hall_and_the_stage_but_nobody_else(
        client, auth, create_event, join, organiser):
    event = _running(create_event)
    in_hall, online, away = (join(event, email=f"{who}@example.org")
                             for who in ("hall", "online", "away"))
    check_in(organiser, event, in_hall)
    auth.login_participant(online.user)
    _stage(client, event)
    poll = polls.create_poll(organiser, event, "ClusterERFOLG", Eligibility.PRESENT)
    polls.open_poll(organiser, poll)
    assert reloaded(poll).eligible_count == 2

    finalist = poll.candidates[0].id
    assert voting.cast_vote(poll, in_hall.user, finalist)
    assert voting.cast_vote(poll, online.user, finalist)
    with pytest.raises(eligibility.NotEligible):
        voting.cast_vote(poll, away.user, finalist)


def test_who_arrives_while_the_poll_is_open_counts_in_its_turnout(client, auth, create_event,
                                                                 join, organiser):
    event = _running(create_event)
    late_online, late_in_hall, both = (join(event, email=f"{who}@example.org")
                                       for who in ("online", "hall", "both"))
    poll = polls.create_poll(organiser, event, "ClusterERFOLG", Eligibility.PRESENT)
    polls.open_poll(organiser, poll)
    assert reloaded(poll).eligible_count == 0

    for person in (late_online, both):
        auth.login_participant(person.user)
        _stage(client, event)
        _stage(client, event)  # twice is still one person
    check_in(organiser, event, late_in_hall)
    check_in(organiser, event, both)  # present online already: counted once
    assert reloaded(poll).eligible_count == 3
    assert voting.cast_vote(reloaded(poll), late_online.user, poll.candidates[0].id)


def test_a_check_in_during_a_poll_for_the_checked_in_counts_in_its_turnout(
        create_event, join, organiser):
    event = _running(create_event)
    person = join(event)
    poll = polls.create_poll(organiser, event, "ClusterERFOLG", Eligibility.CHECKED_IN)
    polls.open_poll(organiser, poll)
    check_in(organiser, event, person)
    assert reloaded(poll).eligible_count == 1


def test_the_screen_learns_of_a_check_in_before_the_next_vote(client, create_event, join,
                                                              organiser):
    # Its turnout says "0 / 1", not "0 / 0", while the hall is still checking in.
    from eventapp.live import services as live

    event = _running(create_event)
    person = join(event)
    live.open_vote(organiser, event, "ClusterERFOLG", Eligibility.CHECKED_IN)
    before = client.get(f"/live/{event.slug}/state")
    check_in(organiser, event, person)
    after = client.get(f"/live/{event.slug}/state",
                       headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["poll"]["eligible"] == 1
    # The phones' show stays as it was: who may vote is the screen's business.
    show = client.get(f"/live/{event.slug}/show")
    check_in(organiser, event, join(event, email="second@example.org"))
    assert client.get(f"/live/{event.slug}/show",
                      headers={"If-None-Match": show.headers["ETag"]}).status_code == 304


def test_the_organiser_chooses_who_may_vote_when_opening(orga, create_event, join):
    event = _running(create_event)
    join(event)
    control = orga.get(f"/organiser/events/{event.slug}/live").get_data(as_text=True)
    assert 'value="present"' in control
    response = orga.post(f"/organiser/events/{event.slug}/live/open",
                         data={"title": "Preis", "eligibility": "present"})
    assert response.status_code == 303
    assert polls.current_poll(event).eligibility == Eligibility.PRESENT
    refused = orga.post(f"/organiser/events/{event.slug}/live/open",
                        data={"title": "Preis", "eligibility": "everybody-twice"})
    assert refused.status_code == 422


def test_the_stage_offers_the_ballot_where_the_screen_shows_its_code(
        client, auth, create_event, join, organiser):
    from eventapp.live import services as live

    event = _running(create_event)
    auth.login_participant(join(event).user)
    live.open_vote(organiser, event, "ClusterERFOLG")
    page = _stage(client, event).get_data(as_text=True)
    assert f'href="/events/{event.slug}/vote"' in page and "stage-qr" not in page
    assert "stage-qr" in client.get(f"/screen/{event.slug}").get_data(as_text=True)


# --- breakout rooms -----------------------------------------------------------------------


def test_a_breakout_room_opens_to_its_seated_participants_from_15_minutes_before(
        client, auth, create_event, join, organiser):
    from eventapp.breakouts import services as breakouts

    event = _running(create_event)
    (slot, (room, other)), = sessions_by_slot(event)
    breakouts.update_session(organiser, room, slot, title=room.title, description="", host="",
                             capacity=room.capacity, room_url="https://meet.example.org/room-1")
    seated = join(event, email="seated@example.org", session_ids=[room.id])
    elsewhere = join(event, email="elsewhere@example.org", session_ids=[other.id])

    starts, ends = slot.starts_at, slot.ends_at
    assert room_links_for(seated.id, starts - timedelta(minutes=16)) == []
    assert room_links_for(seated.id, starts - timedelta(minutes=15)) == [room]
    assert room_links_for(seated.id, ends - timedelta(seconds=1)) == [room]
    assert room_links_for(seated.id, ends) == []
    assert room_links_for(elsewhere.id, starts) == []

    # Now is 10 minutes before the slot: the seated person sees the link, the other does not.
    auth.login_participant(seated.user)
    for url in (f"/events/{event.slug}/stage", f"/events/{event.slug}/me"):
        assert "https://meet.example.org/room-1" in client.get(url).get_data(as_text=True)
    auth.login_participant(elsewhere.user)
    for url in (f"/events/{event.slug}/stage", f"/events/{event.slug}/me"):
        assert "https://meet.example.org/room-1" not in client.get(url).get_data(as_text=True)


def test_an_open_stage_page_fetches_its_room_link_when_the_window_opens(
        client, auth, create_event, join, organiser, monkeypatch):
    # The page is rendered once; it refetches the box from data-rooms-url (static/js/live.js).
    from eventapp.breakouts import services as breakouts

    event = create_event(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=40),
                         format="hybrid", venue="Berlin")  # its slot starts in 20 minutes
    (slot, (room, other)), = sessions_by_slot(event)
    breakouts.update_session(organiser, room, slot, title=room.title, description="", host="",
                             capacity=room.capacity, room_url="https://meet.example.org/room-1")
    seated = join(event, email="seated@example.org", session_ids=[room.id])
    elsewhere = join(event, email="elsewhere@example.org", session_ids=[other.id])
    auth.login_participant(seated.user)
    page = _stage(client, event).get_data(as_text=True)
    url = f"/events/{event.slug}/stage/rooms"
    assert f'data-rooms-url="{url}"' in page and "meet.example.org/room-1" not in page

    def at(moment):
        monkeypatch.setattr(breakouts, "utcnow", lambda: moment)
        return client.get(url)

    assert "meet.example.org/room-1" not in at(utcnow()).get_data(as_text=True)
    for moment in (slot.starts_at - timedelta(minutes=15), slot.ends_at - timedelta(seconds=1)):
        fragment = at(moment)
        assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
        assert 'href="https://meet.example.org/room-1"' in fragment.get_data(as_text=True)
    assert "meet.example.org/room-1" not in at(slot.ends_at).get_data(as_text=True)
    # Only for the seated: someone in the other session never gets this room.
    auth.login_participant(elsewhere.user)
    assert "meet.example.org/room-1" not in at(slot.starts_at).get_data(as_text=True)


def test_the_reminder_names_the_session_and_keeps_its_room_for_the_page(
        create_event, join, organiser, mailbox):
    from eventapp.breakouts import services as breakouts
    from eventapp.mailing.send import deliver_queued
    from eventapp.meeting_mails.services import queue_reminders

    event = create_event(format="online")
    (slot, (room, _other)), = sessions_by_slot(event)
    breakouts.update_session(organiser, room, slot, title=room.title, description="", host="",
                             capacity=room.capacity, room_url="https://meet.example.org/room-1")
    join(event, email="seated@example.org", session_ids=[room.id])
    deliver_queued()
    mailbox.clear()
    queue_reminders(event.starts_at - timedelta(hours=1), event.starts_at + timedelta(hours=1))
    deliver_queued()
    (reminder,) = mailbox
    text = reminder.get_body(preferencelist=("plain",)).get_content()
    assert f"Ihre Session: {room.title}" in text
    assert "Videoraum steht ab 15 Minuten vorher auf Ihrer Seite" in text
    assert "meet.example.org/room-1" not in text  # the window holds for the mail, too


def test_a_room_address_must_be_https(create_event, organiser):
    from eventapp.breakouts import services as breakouts
    from eventapp.errors import InvalidInput

    (slot, (room, _other)), = sessions_by_slot(create_event())
    with pytest.raises(InvalidInput):
        breakouts.update_session(organiser, room, slot, title="x", description="", host="",
                                 capacity=10, room_url="http://meet.example.org/plain")


# --- the meeting's language ---------------------------------------------------------------


def test_an_english_meeting_speaks_english_to_browsers_asking_for_neither_language(
        client, create_event):
    # Issue 35, item 6: the browser's language comes before the meeting's (see
    # tests/app/test_language_order.py); the big screen alone speaks the meeting's.
    english, german = create_event(language="en"), create_event()
    french_browser = {"Accept-Language": "fr-FR,fr;q=0.9"}
    for url in (f"/events/{english.slug}/", f"/events/{english.slug}/register",
                f"/screen/{english.slug}"):
        page = client.get(url, headers=french_browser).get_data(as_text=True)
        assert '<html lang="en"' in page, url
    page = client.get(f"/screen/{english.slug}", headers={"Accept-Language": "de"})
    assert '<html lang="en"' in page.get_data(as_text=True)
    page = client.get(f"/events/{german.slug}/", headers=french_browser).get_data(as_text=True)
    assert '<html lang="de"' in page
    # Pages about no meeting follow the browser.
    english_browser = {"Accept-Language": "en"}
    assert '<html lang="en"' in client.get("/", headers=english_browser).get_data(as_text=True)

    client.post("/auth/language", data={"lang": "de", "next": f"/events/{english.slug}/"})
    assert '<html lang="de"' in client.get(f"/events/{english.slug}/").get_data(as_text=True)


def test_the_mails_of_an_english_meeting_are_english(client, create_event, mailbox):
    event = create_event(language="en")
    client.post(f"/events/{event.slug}/register", data={
        "name": "Ann Smith", "email": "ann@example.org", "organisation": "Cluster West",
        "consent": "y"}, headers={"Accept-Language": "fr"})
    (request,) = mailbox
    assert "confirm" in request["Subject"].lower()
    client.get(confirm_link(request))
    confirmation = mailbox[-1].get_body(preferencelist=("plain",)).get_content()
    assert "thank you for registering" in confirmation and "Hallo" not in confirmation


@pytest.mark.parametrize(("chose_german", "english"), [(False, True), (True, False)])
def test_a_returning_account_reads_an_english_meetings_mails_in_english_unless_it_chose_german(
        client, auth, create_event, register, mailbox, chose_german, english):
    # The account was made at a German meeting: its locale is that page's language, not a
    # choice. Only the language switch is one.
    from eventapp.auth.services import set_locale
    from eventapp.mailing.send import deliver_queued
    from eventapp.meeting_mails.services import queue_reminders

    user = register(create_event(), email="back@example.org").user
    if chose_german:
        set_locale(user, "de")
    event = create_event(language="en")
    deliver_queued()
    mailbox.clear()
    client.post(f"/events/{event.slug}/register", data={
        "name": "Back Again", "email": "back@example.org", "organisation": "Cluster West",
        "consent": "y"})
    (request,) = mailbox
    client.get(confirm_link(request))
    confirmation = mailbox[-1]
    queue_reminders(event.starts_at - timedelta(hours=1), event.starts_at + timedelta(hours=1))
    deliver_queued()
    (reminder,) = (mail for mail in mailbox[2:] if mail["Subject"].endswith(event.title))
    assert ("confirm" in request["Subject"].lower()) is english
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert ("thank you for registering" in text) is english
    assert ("vielen Dank für Ihre Anmeldung" in text) is not english
    assert reminder["Subject"].startswith("Tomorrow" if english else "Morgen")


def test_who_chose_german_before_registering_for_an_english_meeting_reads_german(
        client, create_event, mailbox):
    # No account yet: the switch kept the choice in the session, the form's page language
    # carries it into the new account.
    event = create_event(language="en")
    client.post("/auth/language", data={"lang": "de", "next": f"/events/{event.slug}/"})
    client.post(f"/events/{event.slug}/register", data={
        "name": "Jana Neu", "email": "jana@example.org", "organisation": "Cluster Ost",
        "consent": "y"})
    (request,) = mailbox
    assert request["Subject"].startswith("Bitte bestätigen")
    client.get(confirm_link(request))
    text = mailbox[-1].get_body(preferencelist=("plain",)).get_content()
    assert "vielen Dank für Ihre Anmeldung" in text


def test_the_organiser_sets_the_language_and_a_made_up_one_is_refused(orga, create_event):
    event = create_event()
    form = {**EVENT_FORM, "slug": event.slug}
    assert orga.post(f"/organiser/events/{event.slug}/edit",
                     data={**form, "language": "en"}).status_code == 303
    assert reloaded(event).language == "en"
    refused = orga.post(f"/organiser/events/{event.slug}/edit", data={**form, "language": "fr"})
    assert refused.status_code == 422
    assert reloaded(event).language == "en"
