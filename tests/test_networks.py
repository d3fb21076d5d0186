"""Networks, roles and invitations: every organiser route × every role × own or foreign
network, the invitation by mail, branding, and the network's own page and hall of fame."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.auth.models import User
from eventapp.auth.services import create_organiser
from eventapp.awards.finalists import finalists_of, set_team_member
from eventapp.awards.hall_of_fame import add_past_winner, hall_of_fame
from eventapp.database import utcnow, write_transaction
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.mailing.send import deliver_queued
from eventapp.networks import roles
from eventapp.networks import services as networks
from eventapp.networks.models import StaffInvitation

from .helpers import assert_audited, audit_rows, reloaded

PASSWORD = "ein-langes-passwort"
MISSING = 999_999
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/join/\S+)")


def _staff(email: str, name: str) -> User:
    """A password account without any role yet (as after accepting an invitation)."""
    return create_organiser(email, PASSWORD, name, platform_admin=False)


@pytest.fixture
def two_networks(organiser, create_event):
    """Our network with an event, a foreign network with an event, and people in each role."""
    ours = networks.default_network()
    foreign = networks.create_network(organiser, slug="fremd", name="Fremdes Netzwerk",
                                      short_name="", colour="#5a2d82")
    event = create_event(finalists=1)
    foreign_event = events.create_event(organiser, foreign, **{
        name: getattr(event, name) for name in events.EVENT_FIELDS} | {"slug": "fremd-1"})
    people = {}
    for role, network in (("manager", ours), ("organiser", ours), ("manager", foreign)):
        key = ("foreign_" if network is foreign else "") + role
        people[key] = _staff(f"{key}@example.org", key)
        roles.give_network_role(None, network, people[key], role)
    for role in ("co_organiser", "checkin", "presenter", "jury"):
        people[role] = _staff(f"{role}@example.org", role)
        roles.give_event_role(None, event, people[role], role)
    people["foreign_co_organiser"] = _staff("foreign_co@example.org", "foreign co")
    roles.give_event_role(None, foreign_event, people["foreign_co_organiser"], "co_organiser")
    return {"ours": ours, "foreign": foreign, "event": event, "people": people}


# --- the matrix ---------------------------------------------------------------------------

# What each route needs in its event (or network); every route under /organiser/ must be here.
NEEDS = {
    "organiser.event": "organise", "organiser.edit_event": "organise",
    "organiser.event_status": "organise", "organiser.anonymise": "delete",
    "organiser.new_agenda_item": "organise", "organiser.edit_agenda_item": "organise",
    "organiser.delete_agenda_item": "delete", "organiser.new_breakout": "organise",
    "organiser.edit_breakout": "organise", "organiser.delete_breakout": "delete",
    "organiser.new_finalist": "organise", "organiser.edit_finalist": "organise",
    "organiser.delete_finalist": "delete", "organiser.finalist_team": "organise",
    "organiser.remove_team_member": "organise", "organiser.registrations": "participants",
    "organiser.dashboard": "organise", "organiser.audit": "organise",
    "organiser.copy_event": "organise", "organiser.vote_cards": "checkin",
    "organiser.print_vote_cards": "organise", "organiser.void_vote_card": "checkin",
    "organiser.vote_cards_sheet": "organise", "organiser.staff": "manage_people",
    "organiser.invite_staff": "manage_people", "organiser.revoke_staff": "manage_people",
    "organiser.withdraw_staff_invitation": "manage_people",
    "checkin.desk": "checkin", "checkin.check_in": "checkin", "checkin.walk_in": "checkin",
    "checkin.counts": "checkin", "checkin.hand_out_card": "checkin",
    "live.control": "live", "live.control_action": "live",
    "exports.table": "organise", "exports.badges": "organise",
    "meeting_mails.message": "organise", "meeting_mails.send": "organise",
    "calls.organiser_call": "organise", "calls.add_juror": "organise",
    "calls.remove_juror": "organise", "calls.close_scoring": "organise",
    "calls.applications": "organise", "calls.choose_finalists": "organise",
    "calls.organiser_logo": "organise",
    "organiser.new_poll": "organise", "organiser.edit_poll": "organise",
    "organiser.person_photo": "organise",
    "organiser.delete_poll": "delete",
    "invitations.guests": "organise", "invitations.send": "organise",
    "invitations.remind": "organise", "invitations.settings": "organise",
    # Not about one event: the person's networks.
    "organiser.index": "staff", "organiser.new_event": "network_organise",
    "organiser.past_winners": "network_organise", "organiser.new_past_winner": "network_organise",
    "organiser.edit_past_winner": "network_organise",
    "organiser.delete_past_winner": "network_organise",
    "networks.networks": "staff", "networks.settings": "network_member",
    "networks.invite": "network_manage", "networks.revoke": "network_manage",
    "networks.withdraw": "network_manage",
}
# Where changing needs more than seeing.
NEEDS_TO_POST = {"networks.networks": "platform_admin", "networks.settings": "network_manage"}
CAPABILITIES = {
    "admin": {"organise", "delete", "checkin", "participants", "live", "manage_people"},
    "manager": {"organise", "delete", "checkin", "participants", "live", "manage_people"},
    "organiser": {"organise", "delete", "checkin", "participants", "live"},
    "co_organiser": {"organise", "checkin", "participants", "live"},
    "checkin": {"checkin", "participants"},
    "presenter": {"live"},
    "jury": {"jury"},
    "foreign_manager": set(),
    "foreign_co_organiser": set(),
}
# In our network: the role's holder works there (network role), or not at all.
NETWORK_ROLE = {"admin": "manager", "manager": "manager", "organiser": "organiser"}


def _expected(role: str, needs: str, admin_status: int) -> int:
    """What the role should get, given what the platform admin got for the same request."""
    held = CAPABILITIES[role]
    network_role = NETWORK_ROLE.get(role)
    if needs == "staff":
        return admin_status
    if needs == "platform_admin":
        return 403
    if needs == "network_organise":  # past winners, new events: a role in some network
        return admin_status if network_role or role == "foreign_manager" else 403
    if needs == "network_member":  # our network's page for staff
        return admin_status if network_role else 404
    if needs == "network_manage":
        return admin_status if network_role == "manager" else (403 if network_role else 404)
    if needs in held:
        return admin_status
    return 403 if held else 404  # no role in the event at all: it does not exist for them


def _organiser_routes(app):
    return [(rule, method) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/organiser/")
            for method in sorted(rule.methods & {"GET", "POST"})]


def _login(client, user):
    client.post("/auth/logout", data={})
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, user.email


def test_every_organiser_route_answers_every_role_in_its_own_and_a_foreign_network(
        app, client, auth, organiser, two_networks):
    routes = _organiser_routes(app)
    missing = {rule.endpoint for rule, _method in routes} - NEEDS.keys()
    assert missing == set(), "say what these routes need"
    event = two_networks["event"]
    finalist = finalists_of(event)[0]
    member = two_networks["people"]["checkin"]
    set_team_member(organiser, finalist, member, member=True)
    winner = add_past_winner(organiser, year=2019, award="ClusterERFOLG 2019",
                             organisation="Altnetz", project="Anfang", note="")
    values = {"slug": event.slug, "item_id": MISSING, "session_id": MISSING,
              "finalist_id": finalist.id, "user_id": MISSING, "action": "welcome",
              "table": "registrations", "file_format": "csv", "kind": "vote_open",
              "winner_id": winner.id, "network": two_networks["ours"].slug,
              "invitation_id": MISSING, "application_id": MISSING, "poll_id": MISSING,
              "option_id": MISSING}

    def answers():
        statuses = {}
        for rule, method in routes:
            url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
            if "delete" in rule.endpoint or "remove" in rule.endpoint:  # nothing to delete
                url = rule.build({k: MISSING if k.endswith("_id") else v
                                  for k, v in values.items() if k in rule.arguments})[1]
            response = client.post(url, data={}) if method == "POST" else client.get(url)
            statuses[(rule.endpoint, method, url)] = response.status_code
        return statuses

    auth.login_organiser()
    admin = answers()
    assert all(status < 500 for status in admin.values())
    wrong = []
    for role, user in [("manager", two_networks["people"]["manager"]),
                       *((role, two_networks["people"][role]) for role in CAPABILITIES
                         if role not in ("admin", "manager"))]:
        _login(client, user)
        for (endpoint, method, url), status in answers().items():
            needs = NEEDS_TO_POST.get(endpoint, NEEDS[endpoint]) if method == "POST" \
                else NEEDS[endpoint]
            if endpoint.endswith("past_winner") and role == "foreign_manager" \
                    and endpoint != "organiser.new_past_winner":
                expected = 404 if endpoint != "organiser.past_winners" else admin[
                    (endpoint, method, url)]  # the foreign network's list: no such winner
            else:
                expected = _expected(role, needs, admin[(endpoint, method, url)])
            if status != expected:
                wrong.append(f"{role} {method} {url}: {status}, not {expected}")
    assert wrong == [], "\n".join(wrong)


def test_a_participant_and_a_visitor_get_no_network_page(client, auth, register,
                                                        two_networks):
    participant = register(two_networks["event"]).user
    for path in ("/organiser/networks/", "/organiser/networks/netzwerk/"):
        assert client.get(path).status_code == 302  # to the sign-in page
    auth.login_participant(participant)
    for path in ("/organiser/networks/", "/organiser/networks/netzwerk/"):
        assert client.get(path).status_code == 403
    assert client.post("/organiser/networks/netzwerk/invite", data={
        "email": "x@example.org", "role": "manager", "locale": "de"}).status_code == 403


# --- invitations --------------------------------------------------------------------------


def _invitation_path(message) -> str:
    return INVITATION_LINK.search(message.get_body(preferencelist=("plain",)).get_content()
                                  ).group(1)


def test_a_manager_invites_a_co_organiser_who_sets_a_password_and_edits_the_agenda(
        client, two_networks, mailbox):
    event, manager = two_networks["event"], two_networks["people"]["manager"]
    _login(client, manager)
    response = client.post(f"/organiser/events/{event.slug}/staff", data={
        "email": "Joerg.Neu@Example.org", "name": "Jörg Neu", "role": "co_organiser",
        "locale": "en"})
    assert response.status_code == 303
    (message,) = mailbox
    assert message["To"] == "joerg.neu@example.org"
    assert "co-organiser" in message.get_body(preferencelist=("plain",)).get_content().lower()
    assert "Your invitation" in message["Subject"]  # in the language chosen for the guest
    assert "invited, not accepted yet" not in client.get(
        f"/organiser/events/{event.slug}/staff").get_data(as_text=True)  # German page
    assert "noch nicht angenommen" in client.get(
        f"/organiser/events/{event.slug}/staff").get_data(as_text=True)

    client.post("/auth/logout", data={})
    path = _invitation_path(message)
    page = client.get(path)
    assert page.status_code == 200 and "joerg.neu@example.org" in page.get_data(as_text=True)
    short = client.post(path, data={"name": "Jörg Neu", "password": "kurz", "confirm": "kurz"})
    assert short.status_code == 422
    accepted = client.post(path, data={"name": "Jörg Neu", "password": PASSWORD,
                                       "confirm": PASSWORD})
    assert accepted.status_code == 303 and accepted.location.endswith("/organiser/")
    assert client.get(path).status_code == 404  # spent
    item = client.post(f"/organiser/events/{event.slug}/agenda/new", data={
        "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T10:30", "kind": "talk",
        "title": "Grußwort", "speaker": "", "affiliation": ""})
    assert item.status_code == 303
    assert "Grußwort" in [entry.title for entry in reloaded(event).agenda_items]
    # ... but deleting is not a co-organiser's
    item_id = reloaded(event).agenda_items[-1].id
    assert client.post(f"/organiser/events/{event.slug}/agenda/{item_id}/delete",
                       data={}).status_code == 403
    newcomer = db.session.scalar(select(User).where(User.email == "joerg.neu@example.org"))
    assert_audited("staff.joined", newcomer, event.id, role="co_organiser")


def test_an_invitation_expires_and_a_new_one_or_a_revocation_ends_it(
        client, organiser, two_networks, mailbox):
    ours = two_networks["ours"]
    def invite(role):  # outside a request a mail waits for the worker: send it as it would
        roles.invite(organiser, ours, "neu@example.org", "Neu", role)
        deliver_queued()
        return _invitation_path(mailbox[-1])

    first = invite("organiser")
    second = invite("manager")
    assert client.get(first).status_code == 404  # replaced
    with write_transaction():
        for invitation in db.session.scalars(select(StaffInvitation)):
            invitation.expires_at = utcnow() - timedelta(minutes=1)
    assert client.get(second).status_code == 404  # expired
    third = invite("manager")
    user = db.session.scalar(select(User).where(User.email == "neu@example.org"))
    roles.revoke(organiser, ours, user)
    assert client.get(third).status_code == 404  # revoked before it was accepted
    assert user.password_hash is None  # could never sign in


def test_a_revoked_role_ends_access_at_once(client, organiser, two_networks):
    event, checkin = two_networks["event"], two_networks["people"]["checkin"]
    _login(client, checkin)
    assert client.get(f"/organiser/events/{event.slug}/checkin").status_code == 200
    roles.revoke(organiser, two_networks["ours"], checkin, event=event)
    assert client.get(f"/organiser/events/{event.slug}/checkin").status_code == 404


def test_only_managers_give_roles_and_nobody_in_a_foreign_network(organiser, two_networks):
    people, event = two_networks["people"], two_networks["event"]
    for role in ("organiser", "co_organiser", "foreign_manager"):
        with pytest.raises(Exception) as refused:
            roles.invite(people[role], two_networks["ours"], "x@example.org", "X",
                            "checkin", event=event)
        assert refused.value.status_code == 403
    with pytest.raises(Exception) as refused:
        roles.invite(people["foreign_manager"], two_networks["foreign"], "x@example.org",
                        "X", "checkin", event=event)
    assert refused.value.status_code == 404  # our event is not theirs


def test_a_manager_cannot_revoke_their_own_network_role(client, two_networks):
    manager = two_networks["people"]["manager"]
    _login(client, manager)
    response = client.post(f"/organiser/networks/netzwerk/members/{manager.id}/revoke",
                           data={})
    assert response.status_code == 409
    assert "own role" in response.get_data(as_text=True) or "eigene Rolle" in \
        response.get_data(as_text=True)


# --- networks, branding, pages ------------------------------------------------------------


def test_the_platform_admin_creates_a_network_and_a_manager_cannot(client, auth, organiser,
                                                                  two_networks):
    auth.login_organiser()
    response = client.post("/organiser/networks/", data={
        "name": "Netzwerk Süd", "short_name": "NS", "slug": "sued", "colour": "#1d5c2e"})
    assert response.status_code == 303
    assert networks.get_network("sued").name == "Netzwerk Süd"
    (row,) = [row for row in audit_rows("network.created") if row.details["network"] == "sued"]
    assert row.actor_id == organiser.id
    _login(client, two_networks["people"]["manager"])
    assert client.post("/organiser/networks/", data={
        "name": "Zweites", "slug": "zweites", "colour": "#1d5c2e"}).status_code == 403


def test_a_colour_that_white_text_cannot_be_read_on_is_refused(client, two_networks):
    _login(client, two_networks["people"]["manager"])
    response = client.post("/organiser/networks/netzwerk/", data={
        "name": "Clusternetzwerk", "slug": "netzwerk", "colour": "#ffd166"})
    assert response.status_code == 422
    assert "Kontrast" in response.get_data(as_text=True)
    assert reloaded(two_networks["ours"]).colour == "#0b5d7a"  # nothing saved


def test_a_networks_colour_is_on_its_event_pages_and_screen_and_nowhere_else(
        client, organiser, two_networks):
    foreign = two_networks["foreign"]
    events.set_event_status(organiser, events.get_event("fremd-1", include_unpublished=True),
                            "published")
    theme = f"/networks/{foreign.slug}/theme.css"
    for path in ("/events/fremd-1/", "/screen/fremd-1"):
        assert theme in client.get(path).get_data(as_text=True), path
    ours = two_networks["event"].slug
    assert "theme.css" not in client.get(f"/events/{ours}/").get_data(as_text=True)
    css = client.get(f"{theme}?v=5a2d82")
    assert css.status_code == 200 and "--ea-accent: #5a2d82" in css.get_data(as_text=True)
    assert css.headers["Content-Type"].startswith("text/css")


def test_a_network_page_lists_its_meetings_and_its_own_hall_of_fame(client, organiser,
                                                                   two_networks):
    add_past_winner(organiser, two_networks["foreign"], year=2018, award="Fremdpreis 2018",
                    organisation="Anderswo", project="Fremd", note="")
    add_past_winner(organiser, year=2019, award="ClusterERFOLG 2019", organisation="Altnetz",
                    project="Anfang", note="")
    page = client.get("/networks/netzwerk/").get_data(as_text=True)
    assert two_networks["event"].title in page and "Altnetz" in page
    assert "Anderswo" not in page and "fremd-1" not in page
    assert [e.award for e in hall_of_fame(two_networks["foreign"].id)] == ["Fremdpreis 2018"]
    assert len(hall_of_fame()) == 2  # the installation's hall of fame has both


def test_with_one_network_no_page_names_it(client, auth, create_event):
    event = create_event()
    auth.login_organiser()
    for path in ("/", f"/events/{event.slug}/", "/organiser/", "/organiser/events/new"):
        page = client.get(path).get_data(as_text=True)
        assert "/networks/netzwerk/" not in page and "theme.css" not in page, path
    assert 'name="network"' not in client.get("/organiser/events/new").get_data(as_text=True)


def test_with_two_networks_the_start_page_names_each_meetings_network(client, organiser,
                                                                     two_networks):
    events.set_event_status(organiser, events.get_event("fremd-1", include_unpublished=True),
                            "published")
    page = client.get("/").get_data(as_text=True)
    assert "Fremdes Netzwerk" in page and "Clusternetzwerk" in page


def test_a_new_event_goes_into_the_network_chosen_among_ones_own(client, two_networks):
    _login(client, two_networks["people"]["manager"])
    form = client.get("/organiser/events/new").get_data(as_text=True)
    assert 'name="network"' not in form  # one network of their own: nothing to choose
    response = client.post("/organiser/events/new", data={
        "title": "Treffen 2031", "slug": "treffen-2031", "starts_at": "2031-10-20T09:00",
        "ends_at": "2031-10-20T17:00", "format": "in_person", "language": "de"})
    assert response.status_code == 303
    created = events.get_event("treffen-2031", include_unpublished=True)
    assert created.network_id == two_networks["ours"].id
    _login(client, two_networks["people"]["checkin"])
    assert client.get("/organiser/events/new").status_code == 403


def test_check_in_staff_see_only_their_desk_and_list(client, two_networks):
    event = two_networks["event"]
    _login(client, two_networks["people"]["checkin"])
    index = client.get("/organiser/").get_data(as_text=True)
    assert f"/organiser/events/{event.slug}/checkin" in index
    assert f'href="/organiser/events/{event.slug}/"' not in index
    assert "fremd-1" not in index
    assert client.get(f"/organiser/events/{event.slug}/live").status_code == 403
    assert client.get(f"/organiser/events/{event.slug}/registrations").status_code == 200


def test_ones_roles_are_in_ones_data_download(client, two_networks):
    from eventapp.privacy.services import personal_data

    data = personal_data(two_networks["people"]["checkin"])
    assert data["roles"] == [{"event_id": two_networks["event"].id, "role": "checkin"}]
    assert personal_data(two_networks["people"]["manager"])["roles"] == [
        {"network": "Clusternetzwerk", "role": "manager"}]
