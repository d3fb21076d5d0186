"""Finalists in public: their logos (/finalists/<id>/logo.png) and the event page section."""

import io
import re

from PIL import Image

from eventapp.awards.finalists import finalists_of, update_finalist
from eventapp.events.services import set_event_status

from ..helpers import image_bytes, soon


def _set_logo(organiser, finalist, logo=None, remove=False, **changes):
    values = {name: getattr(finalist, name) for name in (
        "organisation", "project_title", "summary", "presenter", "pitch_order", "pitch_seconds")}
    return update_finalist(organiser, finalist, logo=logo, remove_logo=remove,
                           **{**values, **changes})


def _logo_urls(page: str) -> list[str]:
    return [url.replace("&amp;", "&")
            for url in re.findall(r'<img class="finalist-logo[^"]*" src="([^"]+)"', page)]


# --- the logo -----------------------------------------------------------------------------


def test_logo_is_served_as_png_with_long_caching(client, organiser, create_event):
    event = create_event(finalists=1)
    finalist = _set_logo(organiser, finalists_of(event)[0], logo=image_bytes("JPEG"))

    response = client.get(f"/finalists/{finalist.id}/logo.png")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert response.headers["ETag"]
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.format == "PNG" and image.size == (300, 200)


def test_logo_answers_304_when_the_browser_has_it(client, organiser, create_event):
    event = create_event(finalists=1)
    finalist = _set_logo(organiser, finalists_of(event)[0], logo=image_bytes())
    etag = client.get(f"/finalists/{finalist.id}/logo.png").headers["ETag"]

    again = client.get(f"/finalists/{finalist.id}/logo.png", headers={"If-None-Match": etag})

    assert again.status_code == 304 and again.data == b""


def test_a_new_logo_gets_a_new_etag(client, organiser, create_event):
    event = create_event(finalists=1)
    finalist = _set_logo(organiser, finalists_of(event)[0], logo=image_bytes(colour="red"))
    first = client.get(f"/finalists/{finalist.id}/logo.png")

    _set_logo(organiser, finalist, logo=image_bytes(colour="blue"))
    second = client.get(f"/finalists/{finalist.id}/logo.png",
                        headers={"If-None-Match": first.headers["ETag"]})

    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"] and second.data != first.data


def test_finalist_without_logo_has_none(client, create_event):
    event = create_event(finalists=1)
    response = client.get(f"/finalists/{finalists_of(event)[0].id}/logo.png")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.get_data(as_text=True)


def test_removed_logo_is_gone(client, organiser, create_event):
    event = create_event(finalists=1)
    finalist = _set_logo(organiser, finalists_of(event)[0], logo=image_bytes())
    _set_logo(organiser, finalist, remove=True)
    assert client.get(f"/finalists/{finalist.id}/logo.png").status_code == 404


def test_unknown_finalist_has_no_logo(client):
    assert client.get("/finalists/99999/logo.png").status_code == 404
    assert client.get("/finalists/abc/logo.png").status_code == 404


# --- the finalists on the event page ------------------------------------------------------


def test_event_page_shows_the_finalists_in_pitch_order(client, organiser, create_event):
    event = create_event(finalists=3)
    first, second, third = finalists_of(event)
    _set_logo(organiser, third, pitch_order=1, organisation="Netzwerk Industrie RuhrOst e. V. "
              "(NIRO)", project_title="Nachhaltigkeit ins Netzwerk bringen",
              summary="Projekt NaLiMa", presenter="Ingrid Lange", logo=image_bytes())
    _set_logo(organiser, first, pitch_order=2)
    _set_logo(organiser, second, pitch_order=3)

    response = client.get(f"/events/{event.slug}/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    section = page[page.index('id="finalists-heading"'):]
    assert section.index("Nachhaltigkeit ins Netzwerk bringen") < section.index("Projekt 1") \
        < section.index("Projekt 2")
    assert "Netzwerk Industrie RuhrOst e. V. (NIRO)" in section
    assert "Pitch von Ingrid Lange" in section
    assert "Projekt NaLiMa" in section
    # Only NIRO has a logo; its address carries the version, so a new logo is a new URL.
    assert _logo_urls(page) == [f"/finalists/{third.id}/logo.png?v=1"]
    assert 'alt="Logo von Netzwerk Industrie RuhrOst e. V. (NIRO)"' in page
    assert client.get(_logo_urls(page)[0]).status_code == 200


def test_a_new_logo_changes_the_address_on_the_event_page(client, organiser, create_event):
    event = create_event(finalists=1)
    finalist = _set_logo(organiser, finalists_of(event)[0], logo=image_bytes(colour="red"))
    before = _logo_urls(client.get(f"/events/{event.slug}/").get_data(as_text=True))

    _set_logo(organiser, finalist, logo=image_bytes(colour="blue"))
    after = _logo_urls(client.get(f"/events/{event.slug}/").get_data(as_text=True))

    assert before != after and len(after) == 1


def test_a_logo_after_a_removed_one_gets_a_fresh_address(client, organiser, create_event):
    event = create_event(finalists=1)
    finalist = _set_logo(organiser, finalists_of(event)[0], logo=image_bytes(colour="red"))
    first = _logo_urls(client.get(f"/events/{event.slug}/").get_data(as_text=True))
    _set_logo(organiser, finalist, remove=True)

    _set_logo(organiser, finalist, logo=image_bytes(colour="blue"))
    again = _logo_urls(client.get(f"/events/{event.slug}/").get_data(as_text=True))

    assert again and again != first


def test_event_without_finalists_has_no_finalist_section(client, create_event):
    event = create_event()
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert 'id="finalists-heading"' not in page


def test_finalists_of_drafts_stay_hidden(client, organiser, create_event):
    event = create_event(finalists=1, published=False, starts_at=soon(days=90))
    assert client.get(f"/events/{event.slug}/").status_code == 404
    set_event_status(organiser, event, "published")
    assert "Netzwerk 1" in client.get(f"/events/{event.slug}/").get_data(as_text=True)


def test_finalists_section_in_english(client, create_event):
    event = create_event(finalists=1)
    client.post("/auth/language", data={"lang": "en"})
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert ">Finalists<" in page and "Netzwerk 1" in page


def test_logos_of_draft_events_are_for_organisers_only(client, auth, organiser, create_event):
    event = create_event(finalists=1, published=False)
    finalist = _set_logo(organiser, finalists_of(event)[0], logo=image_bytes(colour="red"))
    assert client.get(f"/finalists/{finalist.id}/logo.png").status_code == 404
    auth.login_organiser()
    response = client.get(f"/finalists/{finalist.id}/logo.png")
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")
