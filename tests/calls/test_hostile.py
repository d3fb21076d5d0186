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
