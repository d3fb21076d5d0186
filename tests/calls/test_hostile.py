"""What a hostile tester found around the call for finalists (issue 34): a draft meeting's jury
page told that the meeting exists (item 7)."""

import pytest

from eventapp.calls import services as calls
from eventapp.database import utcnow

from ..helpers import STAFF_PASSWORD


@pytest.mark.parametrize("path", ["/jury", "/jury/1", "/jury/1/logo.png"])
def test_a_draft_meeting_s_jury_pages_are_404_like_a_made_up_slug(client, auth, organiser,
                                                                  create_event, register,
                                                                  two_networks, path):
    from datetime import timedelta

    draft = create_event(published=False)
    calls.save_call(organiser, draft, opens_at=None, deadline=utcnow() + timedelta(days=7),
                    intro="", questions="", criteria="Innovation | 1 | 10")
    someone = register(two_networks["event"], email="someone@example.org").user
    for sign_in in (lambda: auth.login_participant(someone),
                    lambda: auth.login_organiser(
                        two_networks["people"]["foreign_manager"].email, STAFF_PASSWORD)):
        sign_in()
        assert client.get(f"/events/{draft.slug}{path}").status_code == 404
        assert client.get(f"/events/no-such-meeting{path}").status_code == 404
        auth.logout()


def test_a_published_meeting_s_jury_page_still_says_403_to_a_non_juror(client, auth, organiser,
                                                                        create_event,
                                                                        register):
    from datetime import timedelta

    event = create_event()
    calls.save_call(organiser, event, opens_at=None, deadline=utcnow() + timedelta(days=7),
                    intro="", questions="", criteria="Innovation | 1 | 10")
    auth.login_participant(register(event, email="someone@example.org").user)

    assert client.get(f"/events/{event.slug}/jury").status_code == 403


# --- item 9: mails to one address are capped per recipient ---------------------------------


def test_registrations_and_applications_for_one_address_mail_it_only_a_few_times(
        app, organiser, create_event):
    from datetime import timedelta

    from eventapp.mailing.models import OutgoingMail

    from ..helpers import count_rows
    from ..registration.test_hostile import post_from

    event = create_event(sessions=())
    calls.save_call(organiser, event, opens_at=None, deadline=utcnow() + timedelta(days=7),
                    intro="", questions="", criteria="Innovation | 1 | 10")
    limited = _limited_app(app)
    try:
        statuses = []
        for n in range(15):
            statuses.append(post_from(limited, n, f"/events/{event.slug}/register", {
                "name": "Jemand", "email": "opfer@example.org", "consent": "y"}).status_code)
            statuses.append(post_from(limited, 100 + n, f"/events/{event.slug}/call", {
                "organisation": f"Netzwerk {n}", "project_title": "Projekt", "summary": "Kurz",
                "contact_name": "Jemand", "contact_email": "OPFER@example.org",
                "consent": "y"}).status_code)
    finally:
        _dispose(limited)

    assert count_rows(OutgoingMail) <= 5, statuses
    assert 429 in statuses


def _limited_app(app):
    from eventapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "TESTING": True, "WTF_CSRF_ENABLED": False, "MAIL_SUPPRESS_SEND": True,
                       "SERVER_NAME": "eventapp.test"})


def _dispose(flask_app):
    from eventapp.extensions import db

    with flask_app.app_context():
        db.engine.dispose()
