"""Public pages: the event list and the event page."""

from datetime import timedelta

from eventapp.auth.services import find_user_by_email
from eventapp.events import services as events

from ..helpers import ORGANISER_EMAIL, soon


def test_index_lists_published_events_upcoming_first(client, create_event):
    later = create_event(title="Später", starts_at=soon(days=60))
    sooner = create_event(title="Bald", starts_at=soon(days=10))
    past = create_event(title="Vorbei", starts_at=soon(days=-400))
    create_event(title="Entwurf", published=False)

    page = client.get("/").get_data(as_text=True)

    assert page.index(sooner.title) < page.index(later.title) < page.index(past.title)
    assert "Entwurf" not in page


def test_event_page_shows_agenda_breakouts_and_free_seats(client, create_event):
    event = create_event(sessions=(("Weiterbildung etablieren", 12),))
    events.add_agenda_item(event_organiser(event), event, starts_at=event.starts_at,
                           ends_at=event.starts_at + timedelta(minutes=15), kind="opening",
                           title="Eröffnung", speaker="Dr. Ole Janssen", affiliation="BMWK")

    response = client.get(f"/events/{event.slug}/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Eröffnung" in page and "Dr. Ole Janssen" in page and "BMWK" in page
    assert "Weiterbildung etablieren" in page
    assert "12 Plätze frei" in page
    assert " Uhr" in page  # German is the default language


def event_organiser(event):
    return find_user_by_email(ORGANISER_EMAIL)


def test_unknown_and_draft_events_are_404(client, create_event):
    draft = create_event(published=False)
    assert client.get("/events/gibt-es-nicht/").status_code == 404
    response = client.get(f"/events/{draft.slug}/")
    assert response.status_code == 404
    assert "nicht" in response.get_data(as_text=True)
