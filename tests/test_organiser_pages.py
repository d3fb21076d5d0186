"""The organiser's pages: events, agenda, breakouts, finalists with logos, registrations.

Every change is audited; participants and anonymous visitors get nowhere.
"""

import io
import os

import pytest
from PIL import Image
from sqlalchemy import select

from eventapp.audit.models import AuditLog
from eventapp.awards.models import Finalist
from eventapp.breakouts.models import BreakoutSession
from eventapp.events.models import AgendaItem, Event
from eventapp.extensions import db

from .helpers import count_rows, image_bytes, sessions_of

EVENT_FORM = {"title": "Clustertreffen 2027", "slug": "clustertreffen-2027",
              "starts_at": "2027-10-20T10:00", "ends_at": "2027-10-20T16:00",
              "format": "hybrid", "venue": "Berlin", "online_link": "https://meet.example.org/x",
              "capacity": "200"}




def _noise_png() -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (150, 150), os.urandom(150 * 150 * 3)).save(out, format="PNG")
    return out.getvalue()


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (17_000, 17_000)).save(out, format="PNG")
    return out.getvalue()


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))



# --- events -------------------------------------------------------------------------------


def test_organiser_creates_edits_and_publishes_an_event(orga):
    assert orga.get("/organiser/events/new").status_code == 200
    response = orga.post("/organiser/events/new", data=EVENT_FORM)
    assert response.status_code == 303

    event = db.session.scalar(select(Event))
    assert event.status == "draft" and event.year == 2027
    assert event.starts_at.hour == 8  # 10:00 in Berlin (summer time) is 08:00 UTC
    edited = orga.post(f"/organiser/events/{event.slug}/edit",
                       data={**EVENT_FORM, "title": "Jahrestreffen 2027"})
    assert edited.status_code == 303
    assert orga.post(f"/organiser/events/{event.slug}/status",
                     data={"status": "published"}).status_code == 303
    db.session.expire_all()
    assert (event.title, event.status) == ("Jahrestreffen 2027", "published")
    assert [a for a in _actions() if a.startswith("event.")] == [
        "event.created", "event.updated", "event.status"]
    assert "Jahrestreffen 2027" in orga.get("/organiser/").get_data(as_text=True)


@pytest.mark.parametrize(("change", "message"), [
    ({"slug": "Kein Slug!"}, "a–z"),
    ({"ends_at": "2027-10-20T09:00"}, "nach ihrem Beginn"),
    ({"starts_at": "gestern"}, "starts_at-error"),
    ({"capacity": "-5"}, "capacity-error"),
    ({"title": ""}, "title-error"),
])
def test_bad_event_input_is_refused_and_nothing_is_saved(orga, change, message):
    response = orga.post("/organiser/events/new", data={**EVENT_FORM, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_rows(Event) == 0


def test_bad_edit_keeps_the_saved_event(orga, create_event):
    event = create_event(title="Vorher")
    response = orga.post(f"/organiser/events/{event.slug}/edit",
                         data={**EVENT_FORM, "slug": event.slug, "title": "Nachher",
                               "ends_at": "2027-10-19T09:00"})
    assert response.status_code == 422
    db.session.expire_all()
    assert event.title == "Vorher"


def test_slug_taken_and_unknown_event(orga, create_event):
    event = create_event()
    response = orga.post("/organiser/events/new", data={**EVENT_FORM, "slug": event.slug})
    assert response.status_code == 422
    assert orga.get("/organiser/events/unknown/").status_code == 404
    assert orga.post("/organiser/events/unknown/status",
                     data={"status": "published"}).status_code == 404
    assert orga.post(f"/organiser/events/{event.slug}/status",
                     data={"status": "bogus"}).status_code == 422  # refused, unchanged
    db.session.expire_all()
    assert event.status == "published"


# --- agenda -------------------------------------------------------------------------------


def test_agenda_items_are_added_edited_and_deleted(orga, create_event):
    event = create_event(sessions=())
    url = f"/organiser/events/{event.slug}/agenda"
    item = {"title": "Eröffnung", "kind": "opening", "starts_at": "2027-10-20T10:00",
            "ends_at": "2027-10-20T10:15", "speaker": "Dr. Ole Janssen", "affiliation": "BMWK"}
    assert orga.get(f"{url}/new").status_code == 200
    assert orga.post(f"{url}/new", data=item).status_code == 303
    saved = db.session.scalar(select(AgendaItem))
    assert orga.post(f"{url}/{saved.id}/edit", data={**item, "title": "Begrüßung"}).status_code \
        == 303
    assert orga.post(f"{url}/{saved.id}/edit",
                     data={**item, "ends_at": "2027-10-20T09:00"}).status_code == 422
    db.session.expire_all()
    assert saved.title == "Begrüßung"
    assert orga.post(f"{url}/{saved.id}/delete", data={}).status_code == 303
    assert count_rows(AgendaItem) == 0
    assert orga.post(f"{url}/99999/delete", data={}).status_code == 404
    assert orga.post(f"{url}/new", data={**item, "kind": "party"}).status_code == 422


def test_a_slot_with_sessions_cannot_be_deleted(orga, create_event):
    event = create_event()
    slot = sessions_of(event)[0].slot_id
    orga.post(f"/organiser/events/{event.slug}/agenda/{slot}/delete", data={})
    assert db.session.get(AgendaItem, slot) is not None


# --- breakouts ----------------------------------------------------------------------------


def test_breakouts_are_added_edited_and_protected(orga, create_event, register):
    event = create_event(sessions=(("Weiterbildung", 10),))
    slot_id = sessions_of(event)[0].slot_id
    url = f"/organiser/events/{event.slug}/breakouts"
    assert orga.get(f"{url}/new").status_code == 200
    assert orga.post(f"{url}/new", data={"slot_id": slot_id, "title": "Neue Modelle",
                                         "capacity": 2}).status_code == 303
    new = db.session.scalar(select(BreakoutSession).where(BreakoutSession.title == "Neue Modelle"))
    register(event, session_ids=[new.id])
    register(event, session_ids=[new.id])

    too_small = orga.post(f"{url}/{new.id}/edit", data={"slot_id": slot_id, "title": "x",
                                                        "capacity": 1})
    assert too_small.status_code == 422
    assert "belegten Plätze" in too_small.get_data(as_text=True)
    assert orga.post(f"{url}/{new.id}/delete", data={}).status_code == 409
    db.session.expire_all()
    assert new.capacity == 2 and db.session.get(BreakoutSession, new.id) is not None
    assert orga.post(f"{url}/new", data={"slot_id": slot_id, "title": "x",
                                         "capacity": 0}).status_code == 422
    assert orga.post(f"{url}/new", data={"slot_id": 99999, "title": "x",
                                         "capacity": 5}).status_code in (404, 422)
    assert orga.get(f"{url}/99999/edit").status_code == 404


def test_registration_list_shows_counts_per_breakout(orga, create_event, register):
    event = create_event(sessions=(("Weiterbildung", 10),))
    register(event, name="Anna Schmidt", session_ids=[sessions_of(event)[0].id])
    page = orga.get(f"/organiser/events/{event.slug}/registrations").get_data(as_text=True)
    assert "Anna Schmidt" in page and "Weiterbildung" in page


# --- finalists and logos ------------------------------------------------------------------


def _finalist_form(**extra):
    return {"organisation": "NIRO", "project_title": "NaLiMa", "summary": "", "presenter": "",
            "pitch_order": "1", "pitch_seconds": "180", **extra}


def test_finalist_with_a_logo_reencoded_as_png(orga, client, create_event):
    event = create_event()
    url = f"/organiser/events/{event.slug}/finalists"
    response = orga.post(f"{url}/new", content_type="multipart/form-data", data=_finalist_form(
        logo=(io.BytesIO(image_bytes("JPEG")), "logo.jpg")))
    assert response.status_code == 303
    finalist = db.session.scalar(select(Finalist))
    logo = client.get(f"/finalists/{finalist.id}/logo.png")
    assert logo.status_code == 200 and logo.data.startswith(b"\x89PNG")
    assert logo.headers["Content-Type"] == "image/png"


@pytest.mark.parametrize("upload", [
    (b"<?php system($_GET['c']); ?>", "logo.png"),
    (image_bytes("GIF"), "logo.png"),
    (_noise_png(), "big.png"),  # over the limit set below
    (_bomb(), "bomb.png"),  # 289 million pixels in a few kB
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.png"),
])
def test_bad_logos_are_refused_and_the_old_one_stays(app, orga, create_event, upload):
    # A small limit keeps the upload in memory (werkzeug's test client leaks the temporary
    # file it spools big bodies to); the rule is the same as for 2 MB.
    app.config["LOGO_MAX_BYTES"] = 20_000
    event = create_event()
    url = f"/organiser/events/{event.slug}/finalists"
    orga.post(f"{url}/new", content_type="multipart/form-data",
              data=_finalist_form(logo=(io.BytesIO(image_bytes()), "ok.png")))
    finalist = db.session.scalar(select(Finalist))
    data, name = upload

    response = orga.post(f"{url}/{finalist.id}/edit", content_type="multipart/form-data",
                         data=_finalist_form(organisation="Geändert",
                                             logo=(io.BytesIO(data), name)))

    assert response.status_code == 422
    db.session.expire_all()
    assert finalist.organisation == "NIRO" and finalist.logo_version == 1


def test_finalist_bad_input_and_delete(orga, create_event):
    event = create_event()
    url = f"/organiser/events/{event.slug}/finalists"
    assert orga.post(f"{url}/new", data=_finalist_form(pitch_seconds="5")).status_code == 422
    assert orga.post(f"{url}/new", data=_finalist_form(organisation="")).status_code == 422
    assert count_rows(Finalist) == 0
    orga.post(f"{url}/new", data=_finalist_form())
    finalist = db.session.scalar(select(Finalist))
    assert orga.post(f"{url}/{finalist.id}/delete", data={}).status_code == 303
    assert count_rows(Finalist) == 0
    assert "finalist.deleted" in _actions()


def test_logo_of_unknown_or_logo_less_finalist_is_404(client, create_event):
    event = create_event(finalists=1)
    finalist = db.session.scalar(select(Finalist))
    assert client.get(f"/finalists/{finalist.id}/logo.png").status_code == 404
    assert client.get("/finalists/99999/logo.png").status_code == 404
    assert event.slug
