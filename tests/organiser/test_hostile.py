"""What a hostile tester found in the organiser's pages (issue 34): a co-organiser archiving
the event (item 3), a form post missing its date fields (item 10), years 0001 and 9999 (item
11). Each answers a clear 4xx and changes nothing."""

import pytest

from eventapp.errors import NotFound
from eventapp.events import services as events
from eventapp.events.models import AgendaItem, Event, EventStatus

from ..helpers import AGENDA_FORM, EVENT_FORM, STAFF_PASSWORD, field_error, row

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


# --- item 10: a post missing its date fields changes no date ------------------------------


def _times(model, id_):
    stored = row(model, id_)
    return stored.starts_at, stored.ends_at


def test_an_event_form_without_its_dates_leaves_them_as_they_were(orga, create_event):
    event = create_event()
    before = _times(Event, event.id)

    for _save in range(2):
        response = orga.post(f"/organiser/events/{event.slug}/edit", data={})
        assert response.status_code in (303, 422)

    assert _times(Event, event.id) == before


def test_an_agenda_form_without_its_dates_leaves_them_as_they_were(orga, create_event):
    event = create_event()
    item = event.agenda_items[0]
    before = _times(AgendaItem, item.id)

    for _save in range(2):
        response = orga.post(f"/organiser/events/{event.slug}/agenda/{item.id}/edit", data={})
        assert response.status_code in (303, 422)

    assert _times(AgendaItem, item.id) == before


# --- item 11: numbers and years out of range are 422 ----------------------------------------


@pytest.mark.parametrize("first", ["2147483647", "99999999999", "-99999999999", "0",
                                   "1000001"])
def test_a_vote_card_sheet_out_of_range_is_422(orga, create_event, first):
    event = create_event()

    response = orga.get(f"/organiser/events/{event.slug}/vote-cards/sheet?first={first}")

    assert response.status_code == 422


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_years_0001_and_9999_are_refused_in_the_event_form(orga, create_event, when):
    event = create_event()
    before = _times(Event, event.id)
    form = {**EVENT_FORM, "slug": event.slug, "starts_at": when}

    response = orga.post(f"/organiser/events/{event.slug}/edit", data=form)

    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "starts_at")
    assert _times(Event, event.id) == before


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_years_0001_and_9999_are_refused_in_the_agenda_and_copy_forms(orga, create_event,
                                                                       when):
    event = create_event()
    item = event.agenda_items[0]

    agenda = orga.post(f"/organiser/events/{event.slug}/agenda/{item.id}/edit",
                       data={**AGENDA_FORM, "starts_at": when, "ends_at": when})
    copy = orga.post(f"/organiser/events/{event.slug}/copy",
                     data={"title": "Kopie", "slug": "kopie", "starts_at": when})

    assert agenda.status_code == 422 and copy.status_code == 422
    assert row(Event, event.id) is not None
    with pytest.raises(NotFound):
        events.get_event("kopie", include_unpublished=True)
