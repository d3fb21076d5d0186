"""The API's public routes: networks, meetings, agenda, breakouts, finalists; filters,
pagination, ETags; errors as JSON in German and English."""

from datetime import timedelta

from eventapp.events import services as events
from eventapp.events.models import EventStatus

from ..helpers import soon


def test_a_network_and_its_public_meetings(client, create_event, organiser):
    published = create_event(finalists=2)
    create_event(published=False)  # a draft: not for the public
    networks = client.get("/api/v1/networks").get_json()
    assert [n["slug"] for n in networks] == [published.network.slug]
    answer = client.get(f"/api/v1/networks/{published.network.slug}/events")
    assert answer.status_code == 200
    assert [e["slug"] for e in answer.get_json()] == [published.slug]
    assert answer.get_json()[0]["network"] == published.network.slug
    assert answer.headers["X-Pagination"]


def test_an_event_its_agenda_breakouts_and_finalists(client, create_event):
    event = create_event(finalists=2)
    assert client.get(f"/api/v1/events/{event.slug}").get_json()["title"] == event.title
    agenda = client.get(f"/api/v1/events/{event.slug}/agenda").get_json()
    assert [item["kind"] for item in agenda] == ["breakouts"]
    slots = client.get(f"/api/v1/events/{event.slug}/breakouts").get_json()
    assert [s["title"] for s in slots[0]["sessions"]] == ["Weiterbildung", "Wertschöpfung"]
    assert slots[0]["sessions"][0]["free_seats"] == 10
    finalists = client.get(f"/api/v1/events/{event.slug}/finalists").get_json()
    assert [f["organisation"] for f in finalists] == ["Netzwerk 1", "Netzwerk 2"]


def test_a_draft_is_not_found(client, create_event):
    draft = create_event(published=False)
    for path in ("", "/agenda", "/breakouts", "/finalists"):
        assert client.get(f"/api/v1/events/{draft.slug}{path}").status_code == 404


def test_filters_by_date_and_status(client, create_event, organiser):
    early = create_event(starts_at=soon(days=10))
    late = create_event(starts_at=soon(days=100))
    events.set_event_status(organiser, early, EventStatus.ARCHIVED)
    url = f"/api/v1/networks/{early.network.slug}/events"
    day = (soon(days=50)).date().isoformat()
    assert [e["slug"] for e in client.get(f"{url}?from={day}").get_json()] == [late.slug]
    assert [e["slug"] for e in client.get(f"{url}?to={day}").get_json()] == [early.slug]
    assert [e["slug"] for e in client.get(f"{url}?status=archived").get_json()] == [early.slug]
    assert [e["slug"] for e in client.get(f"{url}?status=published").get_json()] == [late.slug]
    wrong = client.get(f"{url}?from=yesterday", headers={"Accept-Language": "en"})
    assert wrong.status_code == 422
    assert wrong.get_json()["message"] == "Please check your input."
    assert "from" in wrong.get_json()["errors"]["query"]


def test_pagination(client, create_event):
    made = [create_event(starts_at=soon(days=10 + n), sessions=()) for n in range(3)]
    url = f"/api/v1/networks/{made[0].network.slug}/events?page_size=2"
    first = client.get(url)
    assert [e["slug"] for e in first.get_json()] == [made[2].slug, made[1].slug]
    assert '"total": 3' in first.headers["X-Pagination"]
    second = client.get(url + "&page=2")
    assert [e["slug"] for e in second.get_json()] == [made[0].slug]


def test_etag_answers_304_until_the_data_changes(client, create_event, organiser):
    event = create_event()
    url = f"/api/v1/events/{event.slug}/agenda"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    events.add_agenda_item(organiser, event, starts_at=event.starts_at,
                           ends_at=event.starts_at + timedelta(hours=1), kind="opening",
                           title="Eröffnung", speaker="", affiliation="")
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag


def test_errors_are_json_in_german_and_english(client):
    german = client.get("/api/v1/events/gibt-es-nicht", headers={"Accept-Language": "de"})
    english = client.get("/api/v1/events/gibt-es-nicht", headers={"Accept-Language": "en"})
    assert german.status_code == english.status_code == 404
    assert german.get_json()["code"] == 404
    assert german.get_json()["message"] != english.get_json()["message"]
    assert english.get_json()["message"] == "This event does not exist or is not published."


def test_the_pages_keep_their_html_error_pages(client):
    answer = client.get("/events/gibt-es-nicht/")
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"


def test_an_unknown_api_address_or_method_answers_json(client):
    unknown = client.get("/api/v1/gibt-es-nicht", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and unknown.get_json()["code"] == 404
    wrong_method = client.put("/api/v1/networks", headers={"Accept-Language": "en"})
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["message"] == "This action is not available here."
