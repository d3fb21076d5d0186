"""Speakers and places (issue 38, item 4): a speaker's profile is kept by the organiser and
shown on the agenda and on a page of its own; agenda items and breakout sessions have a room,
which the agenda, the ticket, the mails, the calendar file and the big screen show, day by
day for a meeting of several days."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from eventapp.breakouts import services as breakouts
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.mailing.send import deliver_queued
from eventapp.meeting_mails.services import queue_reminders
from eventapp.organiser.services import copy_meeting
from eventapp.speakers import services as speakers
from eventapp.speakers.models import Speaker

from ..helpers import (
    assert_audited,
    assert_valid_html,
    count_rows,
    field_error,
    image_bytes,
    reloaded,
    sessions_of,
)

# Tuesday 8 to Wednesday 9 December 2037 in Berlin (CET, UTC+1).
STARTS = datetime(2037, 12, 8, 8, 0, tzinfo=UTC)
ENDS = datetime(2037, 12, 9, 15, 0, tzinfo=UTC)
DAY_1, DAY_2 = "Dienstag, 8. Dezember 2037", "Mittwoch, 9. Dezember 2037"


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def meeting(create_event, organiser):
    """Two days in the Kongresshalle: a keynote with a speaker in Saal 1 on the first day,
    breakouts in two rooms on the second."""
    event = create_event(format="in_person", venue="Kongresshalle Leipzig", online_link="",
                         sessions=(), starts_at=STARTS, ends_at=ENDS)
    keynote = events.add_agenda_item(
        organiser, event, starts_at=STARTS + timedelta(hours=1),
        ends_at=STARTS + timedelta(hours=2), kind="talk", title="Keynote", speaker="",
        affiliation="", room="Saal 1")
    slot = events.add_agenda_item(
        organiser, event, starts_at=STARTS + timedelta(days=1),
        ends_at=STARTS + timedelta(days=1, hours=2), kind="breakouts", title="Werkstätten",
        speaker="", affiliation="", room="Foyer")
    breakouts.add_session(organiser, slot, title="Wasserstoff", description="", host="",
                          capacity=10, room="Raum 2.01", room_url="")
    breakouts.add_session(organiser, slot, title="KI", description="", host="", capacity=10,
                          room="", room_url="")
    speaker = speakers.save_speaker(
        organiser, event, name="Dr. Ilse Łukasiewicz", role="Referatsleiterin",
        organisation="BMWK", bio="Zuständig für Clusterpolitik.",
        link="https://example.org/ilse", agenda_item_ids=[keynote.id], photo=image_bytes())
    return {"event": event, "keynote": keynote, "slot": slot, "speaker": speaker}


# --- services ---------------------------------------------------------------------------


def test_a_speaker_has_a_profile_a_photo_and_agenda_items(meeting, organiser):
    speaker = reloaded(meeting["speaker"])
    assert speaker.agenda_items == [meeting["keynote"]]
    assert reloaded(meeting["keynote"]).speakers == [speaker]
    assert speaker.has_photo and speaker.photo_version == 1
    assert speaker.photo_png.startswith(b"\x89PNG")  # re-encoded
    assert_audited("speaker.created", organiser, meeting["event"].id,
                   speaker=speaker.id, name="Dr. Ilse Łukasiewicz")

    speakers.save_speaker(organiser, meeting["event"], speaker, name=" Ilse Ł. ",
                          agenda_item_ids=[], photo=image_bytes(colour="#aa0000"))
    speaker = reloaded(speaker)
    assert (speaker.name, speaker.role, speaker.photo_version) == ("Ilse Ł.", "", 2)
    assert speaker.agenda_items == []
    speakers.save_speaker(organiser, meeting["event"], speaker, name="Ilse", remove_photo=True)
    assert not reloaded(speaker).has_photo


@pytest.mark.parametrize("values, message", [
    ({"name": "  "}, "Namen"),
    ({"name": "Eva", "link": "javascript:alert(1)"}, "https://"),
])
def test_a_profile_without_a_name_or_with_a_script_link_is_refused(meeting, organiser, values,
                                                                   message):
    with pytest.raises(speakers.InvalidInput, match=message):
        speakers.save_speaker(organiser, meeting["event"], **values)
    assert count_rows(Speaker) == 1


def test_a_speaker_speaks_only_in_the_meetings_own_agenda(meeting, organiser, create_event):
    other = create_event()
    foreign_item = other.agenda_items[0]
    with pytest.raises(speakers.InvalidInput):
        speakers.save_speaker(organiser, meeting["event"], name="Eva",
                              agenda_item_ids=[foreign_item.id])
    with pytest.raises(speakers.NotFound):
        speakers.get_speaker(other, meeting["speaker"].id)


def test_an_image_that_is_not_one_is_refused(meeting, organiser):
    with pytest.raises(speakers.InvalidInput, match="PNG- oder JPEG"):
        speakers.save_speaker(organiser, meeting["event"], name="Eva", photo=b"GIF89a....")


def test_deleting_an_agenda_item_keeps_its_speaker_and_deleting_a_speaker_keeps_the_item(
        meeting, organiser):
    events.delete_agenda_item(organiser, meeting["keynote"])
    assert reloaded(meeting["speaker"]).agenda_items == []
    speakers.delete_speaker(organiser, meeting["speaker"])
    assert count_rows(Speaker) == 0
    assert [item.title for item in reloaded(meeting["event"]).agenda_items] == ["Werkstätten"]


def test_a_session_is_in_its_own_room_else_in_its_slots(meeting):
    rooms = {session.title: session.place for session in sessions_of(meeting["event"])}
    assert rooms == {"Wasserstoff": "Raum 2.01", "KI": "Foyer"}


def test_a_copied_meeting_keeps_its_rooms(meeting, organiser):
    copy = copy_meeting(organiser, meeting["event"], "Nächstes Jahr", "naechstes-jahr",
                        STARTS + timedelta(days=364))
    assert [item.room for item in copy.agenda_items] == ["Saal 1", "Foyer"]
    assert sorted(session.room for session in sessions_of(copy)) == ["", "Raum 2.01"]


# --- the organiser's pages ----------------------------------------------------------------


def _form(**values) -> dict:
    return {"name": "Andreas Findeisen", "role": "Geschäftsführer", "organisation": "CDI",
            "bio": "Zweiter Impuls.\nAus Leipzig.", "link": "https://example.org/af", **values}


def test_the_organiser_adds_a_speaker_with_a_photo(orga, meeting):
    event, keynote = meeting["event"], meeting["keynote"]
    base = f"/organiser/events/{event.slug}/speakers"
    page = orga.get(f"{base}/new").get_data(as_text=True)
    assert_valid_html(page, f"{base}/new")
    assert "Keynote" in page

    response = orga.post(f"{base}/new", data=_form(
        agenda_items=[str(keynote.id)], photo=(io.BytesIO(image_bytes("JPEG")), "af.jpg")),
        content_type="multipart/form-data")

    assert response.status_code == 303
    added = db.session.query(Speaker).filter_by(name="Andreas Findeisen").one()
    assert added.has_photo and added.agenda_items == [reloaded(keynote)]
    listing = orga.get(base).get_data(as_text=True)
    assert_valid_html(listing, base)
    assert "Andreas Findeisen" in listing and "Dr. Ilse Łukasiewicz" in listing
    edit = orga.get(f"{base}/{added.id}/edit").get_data(as_text=True)
    assert_valid_html(edit, f"{base}/{added.id}/edit")
    assert "remove_photo" in edit


@pytest.mark.parametrize("field, value", [("name", "Eva \u202eexe.txt"), ("bio", "a\x07b")])
def test_control_characters_and_bidi_overrides_are_refused(orga, meeting, field, value):
    response = orga.post(f"/organiser/events/{meeting['event'].slug}/speakers/new",
                         data=_form(**{field: value}))
    assert response.status_code == 422
    assert "Steuerzeichen" in field_error(response.get_data(as_text=True), field)
    assert count_rows(Speaker) == 1


def test_a_script_link_is_refused_with_a_message(orga, meeting):
    orga.post("/auth/language", data={"lang": "en"})
    response = orga.post(f"/organiser/events/{meeting['event'].slug}/speakers/new",
                         data=_form(link="javascript:alert(1)"))
    assert response.status_code == 422
    assert "Invalid URL" in response.get_data(as_text=True)
    assert count_rows(Speaker) == 1


def test_a_participant_cannot_add_change_or_delete_a_speaker(client, auth, meeting, register):
    event, speaker = meeting["event"], meeting["speaker"]
    auth.login_participant(register(event).user)
    base = f"/organiser/events/{event.slug}/speakers"
    for url in (f"{base}/new", f"{base}/{speaker.id}/edit", f"{base}/{speaker.id}/delete"):
        assert client.post(url, data=_form()).status_code == 403
    assert reloaded(speaker).name == "Dr. Ilse Łukasiewicz" and count_rows(Speaker) == 1


def test_the_organiser_deletes_a_speaker(orga, meeting):
    speaker = meeting["speaker"]
    url = f"/organiser/events/{meeting['event'].slug}/speakers/{speaker.id}/delete"
    assert orga.post(url, data={}).status_code == 303
    assert count_rows(Speaker) == 0


# --- public pages -------------------------------------------------------------------------


def test_the_agenda_shows_days_rooms_and_speakers_linked_to_their_page(client, meeting):
    event, speaker = meeting["event"], meeting["speaker"]
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert_valid_html(page, f"/events/{event.slug}/")
    text = _text(page)
    assert text.index(DAY_1) < text.index("Keynote") < text.index("Saal 1") < text.index(DAY_2)
    assert text.index(DAY_2) < text.index("Werkstätten") < text.index("Foyer")
    assert f'href="/events/{event.slug}/speakers/{speaker.id}"' in page
    assert "Dr. Ilse Łukasiewicz , Referatsleiterin, BMWK" in text
    assert "Raum 2.01" in text  # the breakouts' section


def test_the_speaker_page_shows_the_profile_and_where_they_speak(client, meeting):
    event, speaker = meeting["event"], meeting["speaker"]
    url = f"/events/{event.slug}/speakers/{speaker.id}"
    page = client.get(url).get_data(as_text=True)
    assert_valid_html(page, url)
    text = _text(page)
    for part in ("Dr. Ilse Łukasiewicz", "Referatsleiterin, BMWK", "Zuständig für Clusterpolitik",
                 "Keynote", "08.12.2037, 10:00 – 11:00 Uhr · Saal 1"):
        assert part in text
    assert 'href="https://example.org/ilse"' in page
    photo = client.get(f"{url}/photo.png")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert "public" in photo.headers["Cache-Control"]
    client.post("/auth/language", data={"lang": "en"})
    english = _text(client.get(url).get_data(as_text=True))
    assert "In the agenda" in english and "More about Dr. Ilse Łukasiewicz" in english


def test_a_draft_meetings_speaker_is_seen_by_its_staff_only(client, orga, meeting, organiser):
    event, speaker = meeting["event"], meeting["speaker"]
    events.set_event_status(organiser, event, "draft")
    url = f"/events/{event.slug}/speakers/{speaker.id}"
    photo = orga.get(f"{url}/photo.png")
    assert photo.status_code == 200 and "private" in photo.headers["Cache-Control"]
    orga.post("/auth/logout", data={})
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/photo.png").status_code == 404


def test_an_unknown_speaker_is_404_not_500(client, meeting):
    assert client.get(f"/events/{meeting['event'].slug}/speakers/999999").status_code == 404


# --- ticket, mails, calendar, big screen ------------------------------------------------------


@pytest.fixture
def seated(meeting, register):
    wasserstoff = next(s for s in sessions_of(meeting["event"]) if s.title == "Wasserstoff")
    return register(meeting["event"], session_ids=[wasserstoff.id])


def test_the_ticket_shows_the_venue_and_the_day_time_and_room_of_each_seat(client, auth,
                                                                          seated):
    auth.login_participant(seated.user)
    url = f"/events/{seated.event.slug}/me/ticket"
    page = client.get(url).get_data(as_text=True)
    assert_valid_html(page, url)
    text = _text(page)
    assert "Kongresshalle Leipzig" in text
    assert "Wasserstoff 09.12.2037, 09:00 – 11:00 Uhr · Raum 2.01" in text


def test_the_confirmation_and_the_reminder_name_days_and_rooms(seated, mailbox):
    deliver_queued()
    (confirmation,) = mailbox
    plain = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert "Wasserstoff (09.12.2037, 09:00 – 11:00 Uhr, Raum 2.01)" in plain
    mailbox.clear()

    queue_reminders(STARTS - timedelta(hours=1), STARTS + timedelta(hours=1))
    deliver_queued()

    (reminder,) = mailbox
    for body in (reminder.get_body(preferencelist=("plain",)).get_content(),
                 _text(reminder.get_body(preferencelist=("html",)).get_content())):
        assert body.index(DAY_1) < body.index("Saal 1") < body.index(DAY_2)
        assert body.index(DAY_2) < body.index("Foyer") < body.index("Raum 2.01")


def test_the_calendar_files_give_each_item_its_room(client, auth, seated):
    slug = seated.event.slug
    public = client.get(f"/events/{slug}/agenda.ics").get_data(as_text=True)
    assert "LOCATION:Saal 1\\, Kongresshalle Leipzig" in public
    assert "LOCATION:Foyer\\, Kongresshalle Leipzig" in public
    auth.login_participant(seated.user)
    mine = client.get(f"/events/{slug}/me/agenda.ics").get_data(as_text=True)
    assert "LOCATION:Raum 2.01\\, Kongresshalle Leipzig" in mine
    assert "LOCATION:Saal 1\\, Kongresshalle Leipzig" in mine


def test_the_screens_agenda_slide_shows_the_day_and_the_room(client, meeting, organiser):
    event = meeting["event"]
    live.show_agenda_item(organiser, event, meeting["keynote"].id)
    assert live.public_state(event)["agenda"]["room"] == "Saal 1"
    url = f"/screen/{event.slug}/stage"
    stage = client.get(url).get_data(as_text=True)
    assert_valid_html(stage, url)
    assert "08.12.2037, 10:00 – 11:00 Uhr · Saal 1" in _text(stage)
