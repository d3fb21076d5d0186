"""The live control under two people at once (issue 34, item 6): two different draft polls
opened at the same moment from two browsers; one opens, the other gets 409. Real concurrent
requests, each on its own connection; on SQLite and, with TEST_DATABASE_URL, PostgreSQL."""

import pytest
from sqlalchemy import select

from eventapp.awards import polls
from eventapp.awards.models import Poll, PollStatus
from eventapp.extensions import db

from ..helpers import ORGANISER_EMAIL, ORGANISER_PASSWORD, run_in_threads

pytestmark = pytest.mark.concurrency

ROUNDS = 6


def _signed_in(app):
    client = app.test_client()
    client.post("/auth/login", data={"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    client.csrf_token()  # read outside the race
    return client


def test_two_drafts_opened_at_once_open_one_and_the_other_gets_409(app, organiser,
                                                                   create_event):
    app.config["MAIL_SUPPRESS_SEND"] = True
    browsers = [_signed_in(app), _signed_in(app)]
    for _round in range(ROUNDS):
        event = create_event(finalists=2, sessions=())
        drafts = [polls.create_poll(organiser, event, f"Preis {n}").id for n in (1, 2)]
        slug = event.slug

        statuses = run_in_threads(2, lambda i, slug=slug, drafts=drafts: browsers[i].post(
            f"/organiser/events/{slug}/live/open",
            data={"poll": str(drafts[i]), "title": "Preis", "eligibility": "registered"},
        ).status_code)

        assert sorted(statuses) == [303, 409], statuses
        db.session.rollback()
        opened = db.session.scalars(select(Poll.status).where(Poll.id.in_(drafts))).all()
        assert sorted(opened) == [PollStatus.DRAFT, PollStatus.OPEN]


def test_two_new_votes_opened_at_once_make_one_poll(app, organiser, create_event):
    """Without a draft, the button makes a poll among all finalists: once, not twice."""
    app.config["MAIL_SUPPRESS_SEND"] = True
    browsers = [_signed_in(app), _signed_in(app)]
    for _round in range(ROUNDS):
        event = create_event(finalists=2, sessions=())
        slug, event_id = event.slug, event.id

        statuses = run_in_threads(2, lambda i, slug=slug: browsers[i].post(
            f"/organiser/events/{slug}/live/open",
            data={"title": "Preis", "eligibility": "registered"}).status_code)

        db.session.rollback()
        opened = db.session.scalars(select(Poll.status).where(Poll.event_id == event_id)).all()
        assert opened.count(PollStatus.OPEN) == 1, (statuses, opened)
