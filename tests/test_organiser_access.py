"""Every route under /organiser/: who may come in, and that a POST without a CSRF token
changes nothing. A new route is covered at once.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp import create_app
from eventapp.awards.finalists import finalists_of, set_team_member
from eventapp.awards.hall_of_fame import add_past_winner
from eventapp.awards.models import PollKind
from eventapp.awards.polls import create_poll
from eventapp.calls import services as calls
from eventapp.events import services as events
from eventapp.events.models import Event
from eventapp.extensions import db

from .helpers import AGENDA_FORM, EVENT_FORM, FINALIST_FORM, image_bytes, reloaded, sessions_of

# --- who may: every route of the blueprint ------------------------------------------------


def _organiser_routes() -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) of the organiser blueprint and of every other route that lives
    under /organiser/ (live control, exports, check-in, mailing): a new one is covered at once."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((method, rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("organiser.") or rule.rule.startswith("/organiser/")
                  for method in rule.methods & {"GET", "POST"})


ROUTES = _organiser_routes()
POST_ROUTES = [route for route in ROUTES if route[0] == "POST"]
BLUEPRINT_PAGES = [route for route in ROUTES
                   if route[0] == "GET" and route[2].startswith("organiser.")]


def _route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def world(organiser, create_event, register):
    """An event with everything the routes name, and a participant who is on a team."""
    event = create_event(finalists=1)
    session = sessions_of(event)[0]
    item = events.add_agenda_item(organiser, event, starts_at=event.starts_at,
                                  ends_at=event.starts_at + timedelta(minutes=15), kind="opening",
                                  title="Eröffnung", speaker="", affiliation="")
    participant = register(event, session_ids=[session.id]).user
    finalist = finalists_of(event)[0]
    set_team_member(organiser, finalist, participant, member=True)
    winner = add_past_winner(organiser, year=2019, award="ClusterERFOLG 2019",
                             organisation="Altnetz", project="Anfang", note="")
    calls.save_call(organiser, event, opens_at=None, deadline=event.starts_at, intro="",
                    questions="", criteria="Innovation")
    application = calls.apply(event, organisation="Netz", project_title="Projekt", summary="",
                              contact_name="Ada", contact_email="ada@example.org", answers=[],
                              consent=True, logo=image_bytes())
    poll = create_poll(organiser, event, "Mehr Pausen?", kind=PollKind.QUESTION)  # a draft
    # Real ids: without the checks these requests would change something.
    values = {"slug": event.slug, "item_id": item.id, "session_id": session.id,
              "finalist_id": finalist.id, "user_id": participant.id, "action": "welcome",
              "table": "registrations", "file_format": "csv", "kind": "reminder",
              "winner_id": winner.id, "network": event.network.slug, "invitation_id": 999_999,
              "application_id": application.id, "poll_id": poll.id,
              "option_id": poll.candidates[0].id}
    return {"values": values, "participant": participant, "event": event}


def _url(rule: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def _snapshot() -> dict:
    """How many rows every table holds, and the event's status."""
    db.session.expire_all()
    counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    return {**counts, "status": db.session.scalar(select(Event.status).order_by(Event.id))}


def test_the_blueprint_has_the_routes_this_module_covers():
    names = {_route_id(route) for route in ROUTES}
    assert "GET /organiser/" in names
    assert "POST /organiser/events/<slug>/finalists/<id:finalist_id>/delete" in names
    assert len(ROUTES) >= 20


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, route):
    method, rule, _endpoint = route
    url = _url(rule, world["values"])
    before = _snapshot()

    response = client.post(url, data={}) if method == "POST" else client.get(url)

    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]
    assert _snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_participants_get_403(client, auth, world, route):
    method, rule, _endpoint = route
    auth.login_participant(world["participant"])
    url = _url(rule, world["values"])
    before = _snapshot()

    if method == "POST":
        response = client.post(url, data={**EVENT_FORM, **AGENDA_FORM, "status": "archived",
                                          "email": "x@example.org", "capacity": "1"})
    else:
        response = client.get(url)

    assert response.status_code == 403
    assert "Diese Seite dürfen Sie nicht sehen" in response.get_data(as_text=True)
    assert _snapshot() == before
    assert reloaded(world["event"]).status == "published"


@pytest.mark.parametrize("route", BLUEPRINT_PAGES, ids=_route_id)
def test_the_organiser_reaches_every_page(orga, world, route):
    assert orga.get(_url(route[1], world["values"])).status_code == 200


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize("route", POST_ROUTES, ids=_route_id)
def test_a_post_without_csrf_token_is_400_and_changes_nothing(orga, world, route):
    _method, rule, _endpoint = route
    url = _url(rule, world["values"])
    before = _snapshot()
    # Everything a valid form would need, but no token (the base client adds none).
    data = {**EVENT_FORM, **AGENDA_FORM, "status": "archived", "email": "x@example.org",
            "slot_id": str(world["values"]["item_id"]), "capacity": "30", **FINALIST_FORM}

    response = super(type(orga), orga).post(url, data=data)
    empty_token = orga.post(url, data={**data, "csrf_token": ""})

    for answer in (response, empty_token):
        assert answer.status_code == 400
        assert "Das Formular war abgelaufen" in answer.get_data(as_text=True)
    assert _snapshot() == before
    assert reloaded(world["event"]).status == "published"
