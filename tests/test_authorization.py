"""Who may do what: every route of the app × every role, against the expected answer.

A route that is not in the matrix fails the test, so a new route needs a decision here.
POSTs carry a valid CSRF token and an empty form: what answers is the role check, or for
those who pass it, the form's validation.
"""

import pytest

from eventapp.awards import polls
from eventapp.awards.finalists import finalists_of, update_finalist
from eventapp.awards.hall_of_fame import add_past_winner
from eventapp.calls import services as calls
from eventapp.database import utcnow

from .helpers import image_bytes, sessions_of, soon

ROLES = ("anonymous", "participant", "other_participant", "organiser")
SIGN_IN, FORBIDDEN, NOT_FOUND = 302, 403, 404


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(participant, other, organiser):
    return {"anonymous": SIGN_IN, "participant": participant, "other_participant": other,
            "organiser": organiser}


def organisers_only(status):
    return signed_in(FORBIDDEN, FORBIDDEN, status)


# (endpoint, method) -> expected status per role
MATRIX = {
    ("events.index", "GET"): everyone(200),
    ("events.show", "GET"): everyone(200),
    ("awards.hall_of_fame", "GET"): everyone(200),
    ("awards.logo", "GET"): everyone(200),
    ("awards.photo", "GET"): everyone(NOT_FOUND),  # a finalist's option has no photo
    ("awards.results", "GET"): everyone(NOT_FOUND),  # not announced yet
    ("live.state", "GET"): everyone(200),
    ("live.show", "GET"): everyone(200),
    ("live.screen", "GET"): everyone(200),
    ("live.stage", "GET"): everyone(200),
    # The stage page: for the event's participants; organisers watch without registering.
    ("live.stage_page", "GET"): signed_in(200, FORBIDDEN, 200),
    ("live.stage_rooms", "GET"): signed_in(200, FORBIDDEN, 200),  # its breakout room box
    ("auth.sign_in", "GET"): everyone(200),
    ("auth.sign_in", "POST"): everyone(422),
    ("auth.login", "GET"): everyone(200),
    ("auth.login", "POST"): everyone(422),
    ("auth.sign_in_with_link", "GET"): everyone(302),  # an unknown token: back to sign-in
    ("auth.logout", "POST"): everyone(302),
    ("auth.set_language", "POST"): everyone(303),
    ("registration.register_view", "GET"): everyone(200),
    ("registration.register_view", "POST"): everyone(422),
    ("registration.check_mail", "GET"): everyone(200),
    ("registration.confirm", "GET"): everyone(303),  # an unknown token: back to sign-in
    ("registration.my_registrations", "GET"): signed_in(302, 302, 200),
    ("registration.my_registration", "GET"): signed_in(200, NOT_FOUND, NOT_FOUND),
    ("registration.choose", "POST"): signed_in(422, NOT_FOUND, NOT_FOUND),
    ("registration.leave", "POST"): signed_in(422, NOT_FOUND, NOT_FOUND),
    ("registration.cancel_view", "POST"): signed_in(422, NOT_FOUND, NOT_FOUND),
    # Not signed in: the two ways in (a vote card's code, or the personal link).
    ("awards.vote", "GET"): {**signed_in(200, FORBIDDEN, FORBIDDEN), "anonymous": 200},
    ("awards.vote", "POST"): signed_in(422, 422, 422),  # an empty ballot; casting checks more
    ("awards.enter_card", "POST"): everyone(422),  # an empty code
    ("awards.scan_card", "GET"): everyone(NOT_FOUND),  # a code of no card
    ("privacy.download", "GET"): signed_in(200, 200, 200),
    ("privacy.privacy", "GET"): signed_in(200, 200, 200),
    ("privacy.privacy", "POST"): signed_in(422, 422, 422),
    ("live.control", "GET"): organisers_only(200),
    ("live.control_action", "POST"): organisers_only(303),
    ("organiser.index", "GET"): organisers_only(200),
    ("organiser.event", "GET"): organisers_only(200),
    ("organiser.registrations", "GET"): organisers_only(200),
    ("organiser.new_event", "GET"): organisers_only(200),
    ("organiser.new_event", "POST"): organisers_only(422),
    ("organiser.edit_event", "GET"): organisers_only(200),
    ("organiser.edit_event", "POST"): organisers_only(303),  # missing fields: kept
    ("organiser.event_status", "POST"): organisers_only(422),
    ("organiser.anonymise", "POST"): organisers_only(409),  # refused: not archived
    ("organiser.new_agenda_item", "GET"): organisers_only(200),
    ("organiser.new_agenda_item", "POST"): organisers_only(422),
    ("organiser.edit_agenda_item", "GET"): organisers_only(200),
    ("organiser.edit_agenda_item", "POST"): organisers_only(303),  # missing fields: kept
    ("organiser.delete_agenda_item", "POST"): organisers_only(NOT_FOUND),
    ("organiser.new_breakout", "GET"): organisers_only(200),
    ("organiser.new_breakout", "POST"): organisers_only(422),
    ("organiser.edit_breakout", "GET"): organisers_only(200),
    ("organiser.edit_breakout", "POST"): organisers_only(303),  # missing fields: kept
    ("organiser.delete_breakout", "POST"): organisers_only(NOT_FOUND),
    ("organiser.new_finalist", "GET"): organisers_only(200),
    ("organiser.new_finalist", "POST"): organisers_only(422),
    ("organiser.edit_finalist", "GET"): organisers_only(200),
    ("organiser.edit_finalist", "POST"): organisers_only(303),  # missing fields: kept
    ("organiser.delete_finalist", "POST"): organisers_only(NOT_FOUND),
    ("organiser.finalist_team", "GET"): organisers_only(200),
    ("organiser.finalist_team", "POST"): organisers_only(422),
    ("organiser.remove_team_member", "POST"): organisers_only(NOT_FOUND),
    ("exports.table", "GET"): organisers_only(200),
    ("exports.badges", "GET"): organisers_only(200),
    ("exports.event_calendar", "GET"): everyone(200),
    ("exports.personal_calendar", "GET"): signed_in(200, NOT_FOUND, NOT_FOUND),
    ("checkin.desk", "GET"): organisers_only(200),
    ("checkin.check_in", "POST"): organisers_only(422),
    ("checkin.walk_in", "POST"): organisers_only(422),
    ("checkin.counts", "GET"): organisers_only(200),
    ("checkin.hand_out_card", "POST"): organisers_only(422),
    ("organiser.vote_cards", "GET"): organisers_only(200),
    ("organiser.print_vote_cards", "POST"): organisers_only(422),
    ("organiser.void_vote_card", "POST"): organisers_only(422),
    ("organiser.vote_cards_sheet", "GET"): organisers_only(200),
    ("checkin.ticket", "GET"): signed_in(200, NOT_FOUND, NOT_FOUND),
    ("meeting_mails.message", "GET"): organisers_only(200),
    ("meeting_mails.message", "POST"): organisers_only(422),
    ("meeting_mails.send", "POST"): organisers_only(303),
    ("organiser.dashboard", "GET"): organisers_only(200),
    ("organiser.audit", "GET"): organisers_only(200),
    ("organiser.copy_event", "GET"): organisers_only(200),
    ("organiser.copy_event", "POST"): organisers_only(422),
    ("site.favicon", "GET"): everyone(200),
    ("site.healthz", "GET"): everyone(200),
    ("site.readyz", "GET"): everyone(200),
    ("organiser.past_winners", "GET"): organisers_only(200),
    ("organiser.new_past_winner", "GET"): organisers_only(200),
    ("organiser.new_past_winner", "POST"): organisers_only(422),
    ("organiser.edit_past_winner", "GET"): organisers_only(200),
    ("organiser.edit_past_winner", "POST"): organisers_only(422),
    ("organiser.delete_past_winner", "POST"): organisers_only(NOT_FOUND),
    ("organiser.staff", "GET"): organisers_only(200),
    ("organiser.invite_staff", "POST"): organisers_only(422),
    ("organiser.revoke_staff", "POST"): organisers_only(NOT_FOUND),
    ("organiser.withdraw_staff_invitation", "POST"): organisers_only(NOT_FOUND),
    ("site.network_page", "GET"): everyone(200),
    ("networks.theme", "GET"): everyone(200),
    ("networks.logo", "GET"): everyone(NOT_FOUND),  # the network has no logo
    ("networks.accept_invitation", "GET"): everyone(NOT_FOUND),  # an unknown token
    ("networks.accept_invitation", "POST"): everyone(NOT_FOUND),
    ("networks.networks", "GET"): organisers_only(200),
    ("networks.networks", "POST"): organisers_only(422),
    ("networks.settings", "GET"): organisers_only(200),
    ("networks.settings", "POST"): organisers_only(422),
    ("networks.invite", "POST"): organisers_only(422),
    ("networks.revoke", "POST"): organisers_only(NOT_FOUND),
    ("networks.withdraw", "POST"): organisers_only(NOT_FOUND),
    # The call for finalists: public form; jury pages for the event's jury (nobody here);
    # the organiser's pages under /organiser/.
    ("calls.apply", "GET"): everyone(200),
    ("calls.apply", "POST"): everyone(422),
    ("calls.applied", "GET"): everyone(200),
    ("calls.jury", "GET"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("calls.score", "GET"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("calls.score", "POST"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("calls.jury_logo", "GET"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("calls.organiser_call", "GET"): organisers_only(200),
    ("calls.organiser_call", "POST"): organisers_only(422),
    ("calls.add_juror", "POST"): organisers_only(422),
    ("calls.remove_juror", "POST"): organisers_only(NOT_FOUND),
    ("calls.close_scoring", "POST"): organisers_only(303),
    ("calls.applications", "GET"): organisers_only(200),
    ("calls.choose_finalists", "POST"): organisers_only(422),
    ("calls.organiser_logo", "GET"): organisers_only(200),
    ("invitations.guests", "GET"): organisers_only(200),
    ("invitations.guests", "POST"): organisers_only(422),  # an empty list
    ("invitations.send", "POST"): organisers_only(303),  # nobody to invite: 0 mails
    ("invitations.remind", "POST"): organisers_only(303),
    ("invitations.settings", "POST"): organisers_only(303),  # nothing reserved
    # The invitation's link: an unknown token is no invitation, whoever asks.
    ("invitations.invitation", "GET"): everyone(NOT_FOUND),
    ("invitations.accept", "POST"): everyone(NOT_FOUND),
    ("invitations.decline", "POST"): everyone(NOT_FOUND),
    ("organiser.new_poll", "GET"): organisers_only(200),
    ("organiser.new_poll", "POST"): organisers_only(422),
    # The world's poll is open: no longer to be changed.
    ("organiser.edit_poll", "GET"): organisers_only(409),
    ("organiser.edit_poll", "POST"): organisers_only(409),
    ("organiser.delete_poll", "POST"): organisers_only(NOT_FOUND),
    ("organiser.person_photo", "POST"): organisers_only(409),
}
# Deleting routes get an id that does not exist, so that the matrix changes nothing.
MISSING = 999_999
DELETING = {"organiser.delete_agenda_item", "organiser.delete_breakout",
            "organiser.delete_finalist", "organiser.remove_team_member",
            "organiser.delete_past_winner", "organiser.revoke_staff", "networks.revoke",
            "calls.remove_juror", "organiser.delete_poll"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("bootstrap."):
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


@pytest.fixture
def world(app, create_event, register, organiser):
    """An event with an open vote, its participant, and someone from another event."""
    event = create_event(finalists=2)
    session = sessions_of(event)[0]
    participant = register(event, session_ids=[session.id]).user
    other = register(create_event(), email="other@example.org").user
    poll = polls.create_poll(organiser, event, "Preis")
    polls.open_poll(organiser, poll)
    finalist = finalists_of(event)[0]
    update_finalist(organiser, finalist, logo=image_bytes(), organisation=finalist.organisation,
                    project_title=finalist.project_title, summary="", presenter="",
                    pitch_order=1, pitch_seconds=180)
    winner = add_past_winner(organiser, year=2019, award="ClusterERFOLG 2019",
                             organisation="Altnetz", project="Anfang", note="")
    calls.save_call(organiser, event, opens_at=utcnow(), deadline=soon(days=7), intro="",
                    questions="", criteria="Innovation")
    application = calls.apply(event, organisation="Netz", project_title="Projekt", summary="",
                              contact_name="Ada", contact_email="ada@example.org", answers=[],
                              consent=True, logo=image_bytes())
    values = {"slug": event.slug, "item_id": session.slot_id, "session_id": session.id,
              "finalist_id": finalist.id, "user_id": participant.id, "token": "unknown",
              "application_id": application.id,
              "code": "unknown", "action": "welcome", "table": "registrations",
              "file_format": "csv", "kind": "vote_open", "winner_id": winner.id,
              "network": event.network.slug, "invitation_id": MISSING, "poll_id": poll.id,
              "option_id": poll.candidates[0].id}
    return {"values": values, "participant": participant, "other_participant": other}


def _sign_in(client, auth, role, world):
    client.post("/auth/logout", data={})
    if role == "organiser":
        auth.login_organiser()
    elif role != "anonymous":
        auth.login_participant(world[role])


def test_every_route_answers_every_role_as_expected(app, client, auth, world):
    routes = list(_routes(app))
    missing = {(rule.endpoint, method) for rule, method in routes} - MATRIX.keys()
    assert missing == set(), "add these routes to the matrix"
    wrong = []
    for role in ROLES:
        _sign_in(client, auth, role, world)
        for rule, method in routes:
            values = dict(world["values"])
            if rule.endpoint in DELETING:
                values.update(item_id=MISSING, session_id=MISSING, finalist_id=MISSING,
                              user_id=MISSING, winner_id=MISSING, poll_id=MISSING)
            url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
            response = client.post(url, data={}) if method == "POST" else client.get(url)
            response.close()  # a file response (the favicon) holds its file open until then
            expected = MATRIX[(rule.endpoint, method)][role]
            if response.status_code != expected:
                wrong.append(f"{role} {method} {url}: {response.status_code}, not {expected}")
            if rule.endpoint == "auth.logout":
                _sign_in(client, auth, role, world)
    assert wrong == [], "\n".join(wrong)
