"""Bulk mail through the queue and a real SMTP server: batches, retries, languages."""

from datetime import timedelta

from sqlalchemy import select

from eventapp.auth.services import set_locale
from eventapp.awards import polls, voting
from eventapp.database import utcnow
from eventapp.extensions import db
from eventapp.mailing.jobs import run_jobs
from eventapp.mailing.models import OutgoingMail
from eventapp.mailing.send import deliver_queued
from eventapp.meeting_mails.services import queue_message

from ..helpers import confirm_link, sessions_of


def _kinds():
    return list(db.session.scalars(select(OutgoingMail.kind).order_by(OutgoingMail.id)))


def _statuses():
    db.session.expire_all()
    return [m.status for m in db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]


def test_message_to_one_breakout_reaches_only_its_people(client, auth, create_event, register,
                                                         runner, mailbox):
    event = create_event(sessions=(("Weiterbildung", 10), ("Andere", 10)))
    first, second = sessions_of(event)
    in_session = register(event, email="in@example.org", session_ids=[first.id])
    register(event, email="out@example.org", session_ids=[second.id])
    deliver_queued()  # their confirmations
    mailbox.clear()
    auth.login_organiser()

    response = client.post(f"/organiser/events/{event.slug}/message", data={
        "audience": first.id, "subject": "Raumwechsel", "body": "Wir sind jetzt in Raum 2."})

    assert response.status_code == 303
    assert mailbox == []  # queued, not sent during the request
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "sent 1" in result.output
    (message,) = mailbox
    assert message["To"] == in_session.user.email and message["Subject"] == "Raumwechsel"
    assert "Raum 2" in message.get_body(preferencelist=("plain",)).get_content()


def test_bad_message_is_refused(client, auth, create_event):
    event = create_event()
    auth.login_organiser()
    response = client.post(f"/organiser/events/{event.slug}/message",
                           data={"audience": 0, "subject": "", "body": ""})
    assert response.status_code == 422
    assert db.session.scalars(select(OutgoingMail)).all() == []


def test_failed_batches_are_retried_later_and_give_up_after_five_tries(app, create_event,
                                                                      register, organiser):
    event = create_event()
    register(event)
    deliver_queued()  # the confirmation
    queue_message(organiser, event, "Hallo", "Text")
    app.extensions["mail"].port = 1  # nobody listens there
    assert deliver_queued() == (0, 1)
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.kind == "message"))
    assert mail.attempts == 1 and mail.last_error and mail.next_attempt_at > utcnow()
    assert deliver_queued() == (0, 0)  # not due yet
    for _ in range(4):
        mail.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        deliver_queued()
    assert _statuses() == ["sent", "failed"]
    for mail in db.session.scalars(select(OutgoingMail)):  # neither keeps a body
        assert (mail.recipient, mail.body_text, mail.body_html) == (None, None, None)


def test_reminder_the_day_before_has_the_agenda_and_a_calendar(create_event, register,
                                                               runner, mailbox):
    event = create_event(starts_at=utcnow().replace(microsecond=0) + timedelta(hours=20))
    person = register(event, session_ids=[sessions_of(event)[0].id])
    set_locale(person.user, "en")
    deliver_queued()  # the confirmation
    mailbox.clear()
    assert "queued 1" in runner.invoke(args=["mail", "remind"]).output
    assert "queued 0" in runner.invoke(args=["mail", "remind"]).output  # once only
    runner.invoke(args=["mail", "deliver"])
    (message,) = mailbox
    assert message["Subject"].startswith("Tomorrow")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"your session: {sessions_of(event)[0].title}" in text  # named in the mail itself
    (ics,) = list(message.iter_attachments())
    assert ics.get_filename() == "agenda.ics" and b"BEGIN:VEVENT" in ics.get_payload(decode=True)


def test_voting_link_and_result_mails_from_the_live_control(client, auth, create_event,
                                                            register, organiser, runner,
                                                            mailbox):
    event = create_event(finalists=2, sessions=())
    person = register(event)
    deliver_queued()  # the confirmation
    auth.login_organiser()
    url = f"/organiser/events/{event.slug}"
    client.post(f"{url}/mail/vote_open", data={})  # no vote open yet: refused
    assert _kinds() == ["confirmation"]
    client.post(f"{url}/live/open", data={"title": "Preis"})
    client.post(f"{url}/mail/vote_open", data={})
    run_jobs()  # the worker makes the voting-link mails while the vote is open
    poll = polls.current_poll(event)
    voting.cast_vote(poll, person.user, poll.candidates[0].id)
    client.post(f"{url}/live/close", data={})
    client.post(f"{url}/live/announce", data={})
    assert client.post(f"{url}/mail/result", data={}).status_code == 409  # not public yet
    client.post(f"{url}/live/publish", data={})
    client.post(f"{url}/mail/result", data={})
    mailbox.clear()
    runner.invoke(args=["mail", "deliver"])
    subjects = sorted(m["Subject"] for m in mailbox)
    assert subjects[0].startswith("Das Ergebnis") and subjects[1].startswith("Jetzt abstimmen")


def test_bulk_mails_are_rendered_for_each_person_alone(create_event, register, organiser,
                                                       runner, mailbox):
    event = create_event()
    people = [register(event, email=f"{first.lower()}@example.org", name=f"{first} Muster")
              for first in ("Anna", "Ben", "Cem")]
    queue_message(organiser, event, "Raumwechsel", "Wir sind jetzt in Raum 2.")
    mailbox.clear()
    runner.invoke(args=["mail", "deliver"])

    messages = {m["To"]: m for m in mailbox if m["Subject"] == "Raumwechsel"}
    assert sorted(messages) == sorted(p.user.email for p in people)
    for person in people:
        message = messages[person.user.email]
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert text.startswith(f"Guten Tag {person.user.name},")
        whole = message.as_string()
        assert person.user.name in message.get_body(preferencelist=("html",)).get_content()
        for other in people:
            if other is not person:
                assert other.user.name not in whole and other.user.email not in whole


def test_a_delivered_mail_keeps_what_the_organiser_sees_but_no_body_or_address(client,
                                                                              create_event,
                                                                              mailbox):
    event = create_event(format="in_person")  # the confirmation carries a ticket
    client.post(f"/events/{event.slug}/register", data={
        "name": "Anna Schmidt", "email": "anna@example.org", "consent": "y"})
    client.get(confirm_link(mailbox[0]))

    _request, message = mailbox
    assert [a.get_filename() for a in message.iter_attachments()] == ["ticket.png"]
    db.session.rollback()  # end the read the confirming request began, to see the delivery
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.kind == "confirmation"))
    assert (mail.kind, mail.status, mail.event_id) == ("confirmation", "sent", event.id)
    assert mail.created_at and mail.sent_at
    assert (mail.recipient, mail.body_text, mail.body_html) == (None, None, None)
    assert (mail.attachment, mail.attachment_name, mail.attachment_type) == (None, None, None)
