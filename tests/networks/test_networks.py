"""Networks, roles and invitations: the invitation by mail, revoking, branding, and the network's
own page and hall of fame (who may do what on every route: tests/app/test_authorization.py)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.auth.models import User
from eventapp.awards.hall_of_fame import add_past_winner, hall_of_fame
from eventapp.database import utcnow, write_transaction
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.mailing.send import deliver_queued
from eventapp.networks import roles
from eventapp.networks import services as networks
from eventapp.networks.models import StaffInvitation

from ..helpers import STAFF_PASSWORD, assert_audited, audit_rows, reloaded

MISSING = 999_999
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/join/\S+)")


def _login(client, user):
    client.post("/auth/logout", data={})
    response = client.post("/auth/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 302, user.email


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
    accepted = client.post(path, data={"name": "Jörg Neu", "password": STAFF_PASSWORD,
                                       "confirm": STAFF_PASSWORD})
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
