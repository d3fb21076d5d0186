"""What the confirmation mail and the participant's page tell a person (issue 34, items 15
and 16, from replays of real meetings): where and when the meeting is, in the reader's
language; an entrance ticket only for those who come in person; the stage page's address
for those who take part online."""

from datetime import UTC, datetime

from eventapp.mailing.send import deliver_queued

from ..helpers import confirm_link

VENUE = "Kongresshalle am Zoo, Pfaffendorfer Str. 31, Leipzig"
# 9:00 to 17:30 in Berlin (CET): the times the reader sees; years ahead, so that
# registration is open whenever the suite runs.
STARTS = datetime(2036, 12, 4, 8, 0, tzinfo=UTC)
ENDS = datetime(2036, 12, 4, 16, 30, tzinfo=UTC)


def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _attachments(message) -> list[str]:
    return [part.get_filename() for part in message.iter_attachments()]


def _confirmed_by_form(client, event, mailbox, **form):
    data = {"name": "Anna Schmidt", "email": "anna@example.org",
            "organisation": "Netzwerk Nord", "consent": "y", **form}
    assert client.post(f"/events/{event.slug}/register", data=data).status_code == 302
    client.get(confirm_link(mailbox[-1]))
    return mailbox[-1]


def test_the_confirmation_of_an_in_person_meeting_says_where_and_when(client, create_event,
                                                                       mailbox):
    event = create_event(format="in_person", venue=VENUE, online_link="", starts_at=STARTS,
                         ends_at=ENDS)

    mail = _confirmed_by_form(client, event, mailbox)

    for body in (_plain(mail), _html(mail)):
        assert "Kongresshalle am Zoo, Pfaffendorfer Str. 31, Leipzig" in body
        assert "04.12.2036, 09:00 – 17:30 Uhr" in body
    assert _attachments(mail) == ["ticket.png"]


def test_the_confirmation_speaks_the_readers_language(client, create_event, mailbox):
    event = create_event(format="in_person", venue=VENUE, online_link="", starts_at=STARTS,
                         ends_at=ENDS)
    client.post("/auth/language", data={"lang": "en"})

    text = _plain(_confirmed_by_form(client, event, mailbox))

    assert "Where: Kongresshalle am Zoo" in text
    assert "When: Dec 4, 2036, 9:00\u202fAM – 5:30\u202fPM" in text


def test_an_online_meeting_hands_out_no_ticket_but_the_stage_page_and_the_times(
        client, auth, create_event, register, mailbox):
    event = create_event(format="online", starts_at=STARTS, ends_at=ENDS)

    mail = _confirmed_by_form(client, event, mailbox)

    assert _attachments(mail) == []
    text = _plain(mail)
    assert "Ticket" not in text and "Eingang" not in text
    assert f"http://eventapp.test/events/{event.slug}/stage" in text
    assert "04.12.2036, 09:00 – 17:30 Uhr" in text
    page = client.get(f"/events/{event.slug}/me").get_data(as_text=True)
    assert "Ihr Ticket" not in page and f"/events/{event.slug}/me/ticket" not in page
    assert f"/events/{event.slug}/stage" in page
    ticket = client.get(f"/events/{event.slug}/me/ticket")
    assert ticket.status_code == 303 and ticket.headers["Location"].endswith(
        f"/events/{event.slug}/me")


def test_a_hybrid_meeting_tickets_those_who_come_and_not_those_online(client, create_event,
                                                                      mailbox):
    event = create_event(format="hybrid", venue=VENUE, starts_at=STARTS, ends_at=ENDS)

    online = _confirmed_by_form(client, event, mailbox, attendance_mode="online")
    client.post("/auth/logout", data={})
    in_person = _confirmed_by_form(client, event, mailbox, email="ben@example.org",
                                   name="Ben Berg", attendance_mode="in_person")

    assert _attachments(online) == [] and "Pfaffendorfer" not in _plain(online)
    assert f"/events/{event.slug}/stage" in _plain(online)
    assert _attachments(in_person) == ["ticket.png"]
    assert "Pfaffendorfer" in _plain(in_person)
    assert f"/events/{event.slug}/stage" not in _plain(in_person)


def test_a_confirmation_queued_outside_a_request_says_the_same(create_event, register,
                                                               mailbox):
    event = create_event(format="in_person", venue=VENUE, online_link="", starts_at=STARTS,
                         ends_at=ENDS)
    register(event)
    deliver_queued()

    (mail,) = mailbox
    assert "Pfaffendorfer" in _plain(mail) and "09:00 – 17:30 Uhr" in _plain(mail)
