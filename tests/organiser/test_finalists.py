"""The organiser's finalists: the form, logos (re-encoded, refused when bad), teams."""

import io
import os

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eventapp.awards import polls, voting
from eventapp.awards.finalists import finalists_of
from eventapp.awards.models import Finalist, FinalistTeamMember
from eventapp.extensions import db

from ..helpers import (
    FINALIST_FORM,
    assert_audited,
    audit_rows,
    count_rows,
    field_error,
    image_bytes,
    reloaded,
)


def _big_png() -> bytes:
    """A real PNG of more than 2 MB (noise does not compress)."""
    image = Image.frombytes("RGB", (1000, 800), os.urandom(1000 * 800 * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=0)
    data = out.getvalue()
    assert 2 * 1024 * 1024 < len(data) < 4 * 1024 * 1024
    return data

def _multipart(client, url, fields: dict, logo: tuple[bytes, str] | None = None):
    """POST a multipart form with an optional logo, encoded in memory.

    (Werkzeug's test client spools bodies over 500 kB to a temporary file that it never
    closes, which filterwarnings=error turns into a failure.)
    """
    values = {**fields, "csrf_token": client.csrf_token()}
    if logo is not None:
        data, name = logo
        values["logo"] = FileStorage(io.BytesIO(data), filename=name,
                                     content_type="application/octet-stream")
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")

def _logo_bytes(client, finalist_id: int) -> bytes | None:
    response = client.get(f"/finalists/{finalist_id}/logo.png")
    return response.data if response.status_code == 200 else None


# --- finalists ----------------------------------------------------------------------------


def test_new_finalist_form_uploads_files(orga, create_event):
    event = create_event()
    page = orga.get(f"/organiser/events/{event.slug}/finalists/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    assert 'name="pitch_seconds"' in page and 'value="180"' in page


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "logo.png"), ("JPEG", "logo.jpg"),
                                           ("JPEG", "logo.jpeg")])
def test_finalist_with_a_logo_is_added_and_the_logo_reencoded_as_png(
        orga, organiser, client, create_event, fmt, name):
    event = create_event()
    upload = image_bytes(fmt, size=(1200, 800))

    response = _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
                          logo=(upload, name))

    assert response.status_code == 303
    finalist = db.session.scalar(select(Finalist))
    assert (finalist.organisation, finalist.pitch_order, finalist.pitch_seconds) == (
        FINALIST_FORM["organisation"], 1, 180)
    assert finalist.logo_version == 1
    logo = client.get(f"/finalists/{finalist.id}/logo.png")
    assert logo.status_code == 200 and logo.headers["Content-Type"] == "image/png"
    assert logo.data != upload
    with Image.open(io.BytesIO(logo.data)) as served:
        assert served.format == "PNG"
        assert served.size == (600, 400)  # fitted into 600 × 600
    assert_audited("finalist.created", organiser, event.id, finalist=finalist.id,
                    organisation=FINALIST_FORM["organisation"])


def test_finalist_without_logo_and_pitch_order_goes_last(orga, client, create_event):
    event = create_event(finalists=2)
    values = {**FINALIST_FORM, "pitch_order": ""}
    assert orga.post(f"/organiser/events/{event.slug}/finalists/new", data=values).status_code \
        == 303
    newest = finalists_of(event)[-1]
    assert (newest.organisation, newest.pitch_order, newest.has_logo) == (
        FINALIST_FORM["organisation"], 3, False)
    assert client.get(f"/finalists/{newest.id}/logo.png").status_code == 404
    assert client.get("/finalists/99999/logo.png").status_code == 404


def _pixel_bomb() -> bytes:
    """289 million pixels in a few kB of PNG."""
    out = io.BytesIO()
    Image.new("1", (17_000, 17_000)).save(out, format="PNG")
    return out.getvalue()


NOT_AN_IMAGE = "muss ein PNG- oder JPEG-Bild sein"
# kind -> (a function making the file, its name, the message next to the field)
BAD_LOGOS = {
    "text renamed .png": (lambda: b"Dies ist kein Bild, nur Text.\n" * 20, "logo.png",
                          NOT_AN_IMAGE),
    "PHP renamed .png": (lambda: b"<?php system($_GET['c']); ?>", "logo.png", NOT_AN_IMAGE),
    "SVG with a script": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "logo.png", NOT_AN_IMAGE),
    "image over 2 MB": (_big_png, "gross.png", "höchstens 2 MB"),
    "pixel bomb": (_pixel_bomb, "bomb.png", "zu viele Pixel"),
    "GIF": (lambda: image_bytes("GIF"), "logo.gif", NOT_AN_IMAGE),
    "GIF renamed .png": (lambda: image_bytes("GIF"), "logo.png", NOT_AN_IMAGE),
}


def _bad_logo(kind):
    make, name, message = BAD_LOGOS[kind]
    return make(), name, message


@pytest.mark.parametrize("kind", list(BAD_LOGOS))
def test_bad_logo_on_a_new_finalist_saves_nothing(orga, create_event, kind):
    event = create_event()
    data, name, message = _bad_logo(kind)

    response = _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
                          logo=(data, name))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="Ingrid Lange"' in page  # the rest of the form is kept
    assert count_rows(Finalist) == 0 and audit_rows("finalist.created") == []


@pytest.mark.parametrize("kind", list(BAD_LOGOS))
def test_bad_logo_keeps_the_finalist_and_its_logo(orga, client, create_event, kind):
    event = create_event()
    url = f"/organiser/events/{event.slug}/finalists"
    _multipart(orga, f"{url}/new", FINALIST_FORM, logo=(image_bytes(), "logo.png"))
    finalist = db.session.scalar(select(Finalist))
    before = _logo_bytes(client, finalist.id)
    data, name, message = _bad_logo(kind)

    response = _multipart(orga, f"{url}/{finalist.id}/edit",
                          {**FINALIST_FORM, "organisation": "Geändert"}, logo=(data, name))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    finalist = reloaded(finalist)
    assert (finalist.organisation, finalist.logo_version) == (FINALIST_FORM["organisation"], 1)
    assert _logo_bytes(client, finalist.id) == before
    assert audit_rows("finalist.updated") == []


def test_an_upload_over_the_request_limit_is_413(orga, create_event):
    event = create_event()
    response = _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
                          logo=(b"\x89PNG" + b"0" * (4 * 1024 * 1024), "riesig.png"))
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)
    assert count_rows(Finalist) == 0


def test_finalist_is_edited_and_its_logo_replaced_then_removed(orga, organiser, client,
                                                              create_event):
    event = create_event()
    url = f"/organiser/events/{event.slug}/finalists"
    _multipart(orga, f"{url}/new", FINALIST_FORM, logo=(image_bytes(colour="red"), "a.png"))
    finalist = db.session.scalar(select(Finalist))
    first = _logo_bytes(client, finalist.id)
    page = orga.get(f"{url}/{finalist.id}/edit").get_data(as_text=True)
    assert 'value="Ingrid Lange"' in page and "Projekt NaLiMa" in page

    replaced = _multipart(orga, f"{url}/{finalist.id}/edit",
                          {**FINALIST_FORM, "presenter": "Jonas Weber", "pitch_seconds": "240"},
                          logo=(image_bytes("JPEG", colour="green"), "b.jpg"))

    assert replaced.status_code == 303
    finalist = reloaded(finalist)
    assert (finalist.presenter, finalist.pitch_seconds, finalist.logo_version) == (
        "Jonas Weber", 240, 2)
    second = _logo_bytes(client, finalist.id)
    assert second and second != first
    # Saving without a new file keeps the logo.
    assert orga.post(f"{url}/{finalist.id}/edit", data=FINALIST_FORM).status_code == 303
    assert _logo_bytes(client, finalist.id) == second

    removed = orga.post(f"{url}/{finalist.id}/edit", data={**FINALIST_FORM, "remove_logo": "y"})

    assert removed.status_code == 303
    assert _logo_bytes(client, finalist.id) is None
    assert not reloaded(finalist).has_logo
    rows = audit_rows("finalist.updated")
    assert len(rows) == 3 and {r.actor_id for r in rows} == {organiser.id}
    assert {r.details["finalist"] for r in rows} == {finalist.id}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("organisation", "", "Dieses Feld"),
    ("project_title", "", "Dieses Feld"),
    ("pitch_seconds", "5", "30"),
    ("pitch_seconds", "", "Dieses Feld"),
    ("pitch_order", "0", "1"),
])
def test_bad_finalist_input_is_refused_next_to_the_field(orga, create_event, field, value,
                                                         message):
    event = create_event(finalists=1)
    finalist = finalists_of(event)[0]
    url = f"/organiser/events/{event.slug}/finalists"

    created = orga.post(f"{url}/new", data={**FINALIST_FORM, field: value})
    edited = orga.post(f"{url}/{finalist.id}/edit",
                       data={**FINALIST_FORM, "presenter": "Neu", field: value})

    for response in (created, edited):
        assert response.status_code == 422
        assert message in field_error(response.get_data(as_text=True), field)
    assert count_rows(Finalist) == 1
    finalist = reloaded(finalist)
    assert (finalist.organisation, finalist.presenter) == ("Netzwerk 1", "")
    assert audit_rows("finalist.updated") == []


def test_finalist_is_deleted_with_its_logo(orga, organiser, client, create_event):
    event = create_event()
    _multipart(orga, f"/organiser/events/{event.slug}/finalists/new", FINALIST_FORM,
               logo=(image_bytes(), "logo.png"))
    finalist_id = db.session.scalar(select(Finalist.id))

    response = orga.post(f"/organiser/events/{event.slug}/finalists/{finalist_id}/delete",
                         data={})

    assert response.status_code == 303
    assert count_rows(Finalist) == 0
    assert client.get(f"/finalists/{finalist_id}/logo.png").status_code == 404
    assert_audited("finalist.deleted", organiser, event.id, finalist=finalist_id,
                    organisation=FINALIST_FORM["organisation"])


def test_a_finalist_with_votes_is_not_deleted(orga, organiser, create_event, register):
    event = create_event(finalists=2)
    poll = polls.create_poll(organiser, event, "ClusterERFOLG")
    polls.open_poll(organiser, poll)
    finalist = finalists_of(event)[0]
    voting.cast_vote(poll, register(event).user, finalist.id)

    response = orga.post(f"/organiser/events/{event.slug}/finalists/{finalist.id}/delete",
                         data={})

    assert response.status_code == 409
    assert db.session.get(Finalist, finalist.id) is not None


def test_unknown_finalists_and_finalists_of_other_events_are_404(orga, create_event):
    event = create_event(finalists=1)
    foreign = finalists_of(create_event(finalists=1))[0]
    base = f"/organiser/events/{event.slug}/finalists"
    for finalist_id in (99999, foreign.id):
        assert orga.get(f"{base}/{finalist_id}/edit").status_code == 404
        assert orga.post(f"{base}/{finalist_id}/edit", data=FINALIST_FORM).status_code == 404
        assert orga.post(f"{base}/{finalist_id}/delete", data={}).status_code == 404
        assert orga.get(f"{base}/{finalist_id}/team").status_code == 404
    assert reloaded(foreign).organisation == "Netzwerk 1"
    assert orga.get("/organiser/events/gibt-es-nicht/finalists/new").status_code == 404


# --- finalist teams -----------------------------------------------------------------------


def test_team_members_are_added_and_removed(orga, organiser, create_event, register):
    event = create_event(finalists=1)
    finalist = finalists_of(event)[0]
    person = register(event, email="ingrid@example.org", name="Ingrid Lange").user
    url = f"/organiser/events/{event.slug}/finalists/{finalist.id}/team"
    assert orga.get(url).status_code == 200

    added = orga.post(url, data={"email": "Ingrid@Example.org"})

    assert added.status_code == 303
    assert "Ingrid Lange" in orga.get(url).get_data(as_text=True)
    assert_audited("finalist.team_member_added", organiser, event.id, finalist=finalist.id,
                    user=person.id)

    removed = orga.post(f"{url}/{person.id}/remove", data={})

    assert removed.status_code == 303
    assert count_rows(FinalistTeamMember) == 0
    assert_audited("finalist.team_member_removed", organiser, event.id, user=person.id)


def test_only_registered_people_join_a_team(orga, create_event, register):
    event = create_event(finalists=1)
    finalist = finalists_of(event)[0]
    register(create_event(), email="fremd@example.org")
    url = f"/organiser/events/{event.slug}/finalists/{finalist.id}/team"

    unknown = orga.post(url, data={"email": "fremd@example.org"})
    malformed = orga.post(url, data={"email": "keine-adresse"})

    assert unknown.status_code == 422
    assert "niemand für diese Veranstaltung angemeldet" in unknown.get_data(as_text=True)
    assert malformed.status_code == 422
    assert field_error(malformed.get_data(as_text=True), "email").strip()
    assert count_rows(FinalistTeamMember) == 0
    assert orga.post(f"{url}/99999/remove", data={}).status_code == 404
    assert audit_rows("finalist.team_member_added") == []


