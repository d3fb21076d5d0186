"""Meeting each other: only who opted in is on the list, no address on its pages or mails,
requests are answered once, opting out removes someone at once, topics filter the list."""

import re
from datetime import UTC, timedelta

import pytest

from eventapp.extensions import db
from eventapp.forms import LocalDateTimeField
from eventapp.mailing.models import OutgoingMail
from eventapp.matchmaking import services as matchmaking
from eventapp.matchmaking.models import MeetingRequest, RequestStatus

from ..helpers import assert_valid_html, count_rows


@pytest.fixture
def meeting(organiser, create_event, register):
    event = create_event()
    matchmaking.save_topics(organiser, event, "Wasserstoff\nKI\n\nKI\n")
    anna = register(event, name="Anna Andersson", organisation="Nordlicht GmbH",
                    email="anna@example.org")
    ben = register(event, name="Ben Błażej", organisation="Südwind AG", email="ben@example.org")
    shy = register(event, name="Scheue Person", email="shy@example.org")
    matchmaking.opt_in(anna, "Wasserstofftanks", "Partner für Piloten", ["Wasserstoff"])
    matchmaking.opt_in(ben, "KI-Beratung", "Daten", ["KI"])
    return {"event": event, "anna": anna, "ben": ben, "shy": shy}


def test_topics_are_the_organisers_list(meeting):
    assert matchmaking.topics_of(meeting["event"]) == ["Wasserstoff", "KI"]
    with pytest.raises(matchmaking.InvalidInput):
        matchmaking.opt_in(meeting["shy"], "", "", ["Erfunden"])


def test_list_shows_only_who_opted_in_and_no_address(client, auth, meeting):
    auth.login_participant(meeting["anna"].user)
    url = f"/events/{meeting['event'].slug}/people"
    page = client.get(url).get_data(as_text=True)
    assert_valid_html(page, url)
    assert "Ben Błażej" in page and "Scheue Person" not in page
    assert "@example.org" not in page
    assert "Ben Błażej" not in client.get(f"{url}?topic=Wasserstoff").get_data(as_text=True)
    assert "Ben Błażej" in client.get(f"{url}?q=beratung").get_data(as_text=True)


def test_who_is_not_on_the_list_sees_nobody(client, auth, meeting):
    auth.login_participant(meeting["shy"].user)
    url = f"/events/{meeting['event'].slug}/people"
    response = client.get(url)
    assert response.status_code == 302 and response.location.endswith("/people/profile")
    with pytest.raises(matchmaking.NotOnTheList):
        matchmaking.directory(meeting["shy"])


def test_request_accept_and_mails_without_addresses(client, auth, meeting):
    anna, ben, event = meeting["anna"], meeting["ben"], meeting["event"]
    auth.login_participant(anna.user)
    url = f"/events/{event.slug}/people"
    assert client.post(f"{url}/{ben.id}/request", data={"message": ""}).status_code == 422
    assert client.post(f"{url}/{ben.id}/request",
                       data={"message": "Kaffee um zehn?"}).status_code == 303
    assert client.post(f"{url}/{ben.id}/request",
                       data={"message": "Noch einmal"}).status_code == 409
    assert client.post(f"{url}/{meeting['shy'].id}/request",
                       data={"message": "Hallo"}).status_code == 404  # not on the list

    auth.login_participant(ben.user)
    page = client.get(url).get_data(as_text=True)
    assert "Kaffee um zehn?" in page and "anna@example.org" not in page
    request = db.session.query(MeetingRequest).one()
    assert client.post(f"{url}/requests/{request.id}", data={"answer": "accept"}).status_code \
        == 303
    assert client.post(f"{url}/requests/{request.id}", data={"answer": "decline"}).status_code \
        == 404  # answered already
    db.session.refresh(request)
    assert request.status == RequestStatus.ACCEPTED
    assert "Anna Andersson" in client.get(url).get_data(as_text=True)  # their meeting

    mails = db.session.query(OutgoingMail).filter(
        OutgoingMail.kind.in_(["meeting_request", "meeting_answer"])).all()
    assert sorted(m.kind for m in mails) == ["meeting_answer", "meeting_request"]
    for mail in mails:
        body = (mail.body_text or "") + (mail.body_html or "")
        other = "anna@example.org" if mail.kind == "meeting_request" else "ben@example.org"
        assert other not in body


def test_an_accepted_meeting_is_in_both_days_and_calendars_at_its_time(client, auth, meeting,
                                                                       mailbox):
    """Both see their accepted meeting on their own page, and, with the time the sender
    proposed (during the meeting, else refused), in their calendar file."""
    anna, ben, event = meeting["anna"], meeting["ben"], meeting["event"]
    auth.login_participant(anna.user)
    url = f"/events/{event.slug}/people"
    local = LocalDateTimeField.local_value
    too_late = client.post(f"{url}/{ben.id}/request", data={
        "message": "Kaffee?", "meets_at": local(event.ends_at + timedelta(hours=1))})
    assert too_late.status_code == 422
    assert "eine Zeit während der Veranstaltung" in too_late.get_data(as_text=True)
    assert client.post(f"{url}/{ben.id}/request", data={
        "message": "Kaffee?", "meets_at": local(event.starts_at + timedelta(minutes=90))}
    ).status_code == 303
    request = db.session.query(MeetingRequest).one()
    assert request.meets_at == event.starts_at + timedelta(minutes=90)
    assert "Vorgeschlagene Zeit" in mailbox[-1].get_body(preferencelist=("plain",)).get_content()
    matchmaking.answer(ben, request.id, accept=True, notify=False)

    start = (event.starts_at + timedelta(minutes=90)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for person, other, address in ((anna, "Ben Błażej", "ben@example.org"),
                                   (ben, "Anna Andersson", "anna@example.org")):
        auth.login_participant(person.user)
        page = client.get(f"/events/{event.slug}/me").get_data(as_text=True)
        assert "Ihre Treffen" in page and other in page and address not in page
        ics = client.get(f"/events/{event.slug}/me/agenda.ics").get_data(as_text=True)
        entry = ics[ics.index("UID:meeting-"):].split("END:VEVENT")[0]
        assert f"DTSTART:{start}" in entry and f"SUMMARY:Treffen mit {other}" in entry


def test_opt_out_removes_at_once(client, auth, meeting):
    anna, ben, event = meeting["anna"], meeting["ben"], meeting["event"]
    matchmaking.request_meeting(anna, ben.id, "Hallo")
    auth.login_participant(ben.user)
    assert client.post(f"/events/{event.slug}/people/leave", data={}).status_code == 303
    assert count_rows(MeetingRequest) == 0
    names = [name for _profile, name, _org in matchmaking.directory(anna)]
    assert names == []


def test_profile_page_and_organiser_topics(client, auth, orga, meeting):
    event = meeting["event"]
    assert client.post(f"/organiser/events/{event.slug}/topics",
                       data={"topics": "Energie\nMobilität"}).status_code == 303
    assert matchmaking.topics_of(event) == ["Energie", "Mobilität"]
    auth.login_participant(meeting["shy"].user)
    url = f"/events/{event.slug}/people/profile"
    page = client.get(url).get_data(as_text=True)
    assert_valid_html(page, url)
    assert client.post(url, data={"offers": "Ideen", "looks_for": "",
                                  "topics": ["Energie"]}).status_code == 422  # no opt-in
    assert matchmaking.profile_of(meeting["shy"]) is None
    assert client.post(url, data={"offers": "Ideen", "looks_for": "", "consent": "y",
                                  "topics": ["Energie"]}).status_code == 303
    assert matchmaking.profile_of(meeting["shy"]).topics == ["Energie"]


def test_the_demo_has_people_on_the_list_with_meetings(runner):
    from eventapp.matchmaking.models import ParticipantProfile

    assert runner.invoke(args=["seed", "demo", "--participants", "6"]).exit_code == 0
    assert count_rows(ParticipantProfile) == 4
    assert sorted(r.status for r in db.session.query(MeetingRequest)) == [
        RequestStatus.ACCEPTED, RequestStatus.ACCEPTED, RequestStatus.PENDING]
    assert db.session.query(OutgoingMail).count() == 0  # made-up addresses: no mail


def test_the_data_download_holds_the_line_and_requests(meeting):
    from eventapp.privacy.services import personal_data

    matchmaking.request_meeting(meeting["anna"], meeting["ben"].id, "Hallo Ben")
    data = personal_data(meeting["ben"].user)["registrations"][0]["list_of_participants"]
    assert data["on_the_list"] and data["offers"] == "KI-Beratung"
    assert data["requests_received"] == [{"from": "Anna Andersson", "message": "Hallo Ben",
                                          "status": "pending"}]
    matchmaking.opt_out(meeting["ben"])
    assert personal_data(meeting["ben"].user)["registrations"][0]["list_of_participants"] is None


def test_requests_are_rate_limited(app, meeting):
    from eventapp import create_app

    from ..helpers import sign_in

    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "WTF_CSRF_ENABLED": False,
                          "MAIL_SUPPRESS_SEND": True, "SECRET_KEY": "test"})
    client = limited.test_client()
    try:
        sign_in(client, meeting["anna"].user)
        url = f"/events/{meeting['event'].slug}/people/{meeting['ben'].id}/request"
        statuses = [client.post(url, data={"message": "Hallo"}).status_code for _ in range(6)]
    finally:
        with limited.app_context():
            db.engine.dispose()
    assert statuses[:5] == [303, 409, 409, 409, 409] and statuses[5] == 429


ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def test_no_address_on_any_of_its_pages_or_mails(client, auth, meeting):
    """Every page of the list, seen by the asker and the asked, and every mail it sends, in
    German and English: no mail address at all, not even the reader's own."""
    anna, ben, event = meeting["anna"], meeting["ben"], meeting["event"]
    url = f"/events/{event.slug}/people"

    def as_(person, language):
        auth.login_participant(person.user)
        client.post("/auth/language", data={"lang": language})

    pages = {}
    for language, heading in (("de", "Andere Teilnehmende treffen"),
                              ("en", "Meet other participants")):
        as_(anna, language)
        seen = [client.get(url), client.get(f"{url}/profile"), client.get(f"{url}?q=KI")]
        client.post(f"{url}/{ben.id}/request", data={"message": f"Kaffee ({language})?"})
        as_(ben, language)
        seen.append(client.get(url))
        request = db.session.query(MeetingRequest).filter_by(status=RequestStatus.PENDING).one()
        client.post(f"{url}/requests/{request.id}", data={"answer": "accept"})
        seen += [client.get(url), client.get(f"{url}/profile")]
        as_(anna, language)
        seen.append(client.get(url))
        assert heading in seen[-1].get_data(as_text=True)
        pages[language] = seen
        client.post(f"{url}/leave", data={})  # and back on the list, for the next language
        matchmaking.opt_in(anna, "Wasserstofftanks", "Partner für Piloten", ["Wasserstoff"])
    seen = [page for language in pages.values() for page in language]
    assert {page.status_code for page in seen} == {200}
    found = [ADDRESS.search(page.get_data(as_text=True)) for page in seen]
    assert [match.group(0) for match in found if match] == []

    mails = db.session.query(OutgoingMail).filter(
        OutgoingMail.kind.in_(["meeting_request", "meeting_answer"])).all()
    assert len(mails) == 4
    for mail in mails:
        assert not ADDRESS.search(f"{mail.subject}\n{mail.body_text}\n{mail.body_html or ''}")
