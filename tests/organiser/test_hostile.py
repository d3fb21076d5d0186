"""What a hostile tester found in the organiser's pages (issue 34): a co-organiser archiving
the event (item 3), a form post missing its date fields (item 10), years 0001 and 9999 (item
11). Each answers a clear 4xx and changes nothing."""

from eventapp.events.models import Event, EventStatus

from ..helpers import STAFF_PASSWORD, row

# --- item 3: archiving needs the capability that deleting needs ---------------------------


def _as(client, auth, person):
    auth.login_organiser(person.email, STAFF_PASSWORD)
    return client


def test_a_co_organiser_cannot_archive_the_event(client, auth, two_networks):
    event, co = two_networks["event"], two_networks["people"]["co_organiser"]
    _as(client, auth, co)

    response = client.post(f"/organiser/events/{event.slug}/status", data={"status": "archived"})

    assert response.status_code == 403
    assert "archive" in response.get_data(as_text=True).lower() or \
        "archiv" in response.get_data(as_text=True).lower()
    assert row(Event, event.id).status == EventStatus.PUBLISHED
    assert client.get(f"/events/{event.slug}/").status_code == 200


def test_the_status_form_offers_a_co_organiser_no_archiving(client, auth, two_networks):
    event, co = two_networks["event"], two_networks["people"]["co_organiser"]
    _as(client, auth, co)

    page = client.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)

    assert 'value="published"' in page and 'value="archived"' not in page
    # and publishing or unpublishing stays theirs
    assert client.post(f"/organiser/events/{event.slug}/status",
                       data={"status": "draft"}).status_code == 303


def test_a_co_organiser_cannot_bring_an_archived_event_back(client, auth, organiser,
                                                            two_networks):
    from eventapp.events import services as events

    event, co = two_networks["event"], two_networks["people"]["co_organiser"]
    events.set_event_status(organiser, event, EventStatus.ARCHIVED)
    _as(client, auth, co)

    response = client.post(f"/organiser/events/{event.slug}/status",
                           data={"status": "published"})

    assert response.status_code == 403
    assert row(Event, event.id).status == EventStatus.ARCHIVED


def test_the_network_s_organiser_may_archive(client, auth, two_networks):
    event, organiser = two_networks["event"], two_networks["people"]["organiser"]
    _as(client, auth, organiser)

    page = client.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    response = client.post(f"/organiser/events/{event.slug}/status", data={"status": "archived"})

    assert 'value="archived"' in page
    assert response.status_code == 303
    assert row(Event, event.id).status == EventStatus.ARCHIVED
