""""Mail the voting link to everyone" is one job for the mail worker, once per poll (issue 34,
item 17): the organiser's request renders no mail, a second click says the mails are on their
way already, and the live control shows how far the worker has come. Delivered through a
real SMTP server (the session's aiosmtpd)."""

from sqlalchemy import select

from eventapp.awards import polls
from eventapp.extensions import db
from eventapp.mailing.models import MailJob, OutgoingMail
from eventapp.mailing.send import deliver_queued

from ..helpers import count_rows


def _open_vote(client, event):
    assert client.post(f"/organiser/events/{event.slug}/live/open",
                       data={"title": "Preis"}).status_code == 303
    return polls.current_poll(event)


def _mail_votes(client, event):
    return client.post(f"/organiser/events/{event.slug}/mail/vote_open", data={})


def _page_after(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _vote_mails() -> int:
    db.session.rollback()
    return db.session.scalar(select(db.func.count()).select_from(OutgoingMail)
                             .where(OutgoingMail.kind == "vote_open"))


def test_the_request_queues_one_job_and_renders_no_mail(orga, create_event, register, mailbox):
    event = create_event(finalists=2, sessions=())
    for _ in range(5):
        register(event)
    deliver_queued()
    poll = _open_vote(orga, event)

    response = _mail_votes(orga, event)

    assert response.status_code == 303
    assert "Der Abstimmungslink geht an alle" in _page_after(orga, response)
    assert _vote_mails() == 0  # nothing rendered inside the organiser's request
    (job,) = db.session.scalars(select(MailJob)).all()
    assert (job.kind, job.poll_id, job.total, job.done) == ("vote_open", poll.id, None, False)


def test_a_second_click_says_it_is_on_its_way_and_queues_nothing(orga, create_event, register,
                                                                 runner, mailbox):
    event = create_event(finalists=2, sessions=())
    for _ in range(3):
        register(event)
    deliver_queued()
    _open_vote(orga, event)
    _mail_votes(orga, event)

    again = _mail_votes(orga, event)

    assert again.status_code == 303
    assert "ist bereits unterwegs" in _page_after(orga, again)
    assert count_rows(MailJob) == 1
    mailbox.clear()
    assert runner.invoke(args=["mail", "deliver"]).exit_code == 0
    assert sorted(m["To"] for m in mailbox) == sorted(
        f"person{n}@example.org" for n in range(1, 4))
    # Once sent, a third click still sends nothing more.
    _mail_votes(orga, event)
    assert runner.invoke(args=["mail", "deliver"]).exit_code == 0
    assert len(mailbox) == 3 and count_rows(MailJob) == 1


def test_the_live_control_shows_the_progress(orga, create_event, register, runner, mailbox):
    event = create_event(finalists=2, sessions=())
    for _ in range(3):
        register(event)
    deliver_queued()
    mailbox.clear()
    _open_vote(orga, event)
    _mail_votes(orga, event)
    control = f"/organiser/events/{event.slug}/live"

    waiting = orga.get(control).get_data(as_text=True)
    assert "Abstimmungslink: wartet auf den Mail-Versand" in waiting

    from eventapp.mailing.jobs import run_jobs

    assert run_jobs() == 1
    prepared = orga.get(control).get_data(as_text=True)
    assert "Abstimmungslink: 0 von 3 Mails verschickt" in prepared

    assert runner.invoke(args=["mail", "deliver"]).exit_code == 0
    sent = orga.get(control).get_data(as_text=True)
    assert "Abstimmungslink: 3 von 3 Mails verschickt" in sent
    assert len(mailbox) == 3


def test_another_poll_has_its_own_job(orga, create_event, register, organiser, runner,
                                      mailbox):
    event = create_event(finalists=2, sessions=())
    register(event)
    deliver_queued()
    first = _open_vote(orga, event)
    _mail_votes(orga, event)
    orga.post(f"/organiser/events/{event.slug}/live/close", data={})
    second = polls.create_poll(organiser, event, "Publikumspreis")
    orga.post(f"/organiser/events/{event.slug}/live/open",
              data={"title": second.title, "poll": str(second.id)})
    assert polls.current_poll(event).id == second.id != first.id

    again = _mail_votes(orga, event)

    assert "Der Abstimmungslink geht an alle" in _page_after(orga, again)
    assert count_rows(MailJob) == 2


def test_a_job_whose_vote_closed_before_the_worker_came_sends_nothing(orga, create_event,
                                                                      register, runner,
                                                                      mailbox):
    event = create_event(finalists=2, sessions=())
    register(event)
    deliver_queued()
    _open_vote(orga, event)
    _mail_votes(orga, event)
    orga.post(f"/organiser/events/{event.slug}/live/close", data={})
    mailbox.clear()

    assert runner.invoke(args=["mail", "deliver"]).exit_code == 0

    assert mailbox == []
    (job,) = db.session.scalars(select(MailJob)).all()
    assert job.done and job.total == 0
