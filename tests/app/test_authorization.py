"""Who may do what: every route of the app × every role, in one matrix.

Roles: a visitor, a participant of the event, a participant of another event, the platform
admin, and staff in every role of the event's network (manager, network organiser) and of the
event (co-organiser, check-in, presenter, jury), and staff of a foreign network. A route that
is not in the matrix fails it, and so does a staff route that does not declare what it needs
where it is declared (auth.decorators.requirement_of). POSTs carry a valid CSRF token and an
empty form: what answers is the role check, or for those who pass it, the form's validation.
"""

import re

import pytest
from sqlalchemy import func, select

from eventapp.auth.decorators import requirement_of
from eventapp.awards import polls
from eventapp.awards.finalists import finalists_of, update_finalist
from eventapp.awards.hall_of_fame import add_past_winner
from eventapp.calls import services as calls
from eventapp.database import utcnow
from eventapp.events.models import Event, EventStatus
from eventapp.extensions import db
from eventapp.questions import services as questions
from eventapp.speakers.services import save_speaker
from eventapp.wordcloud import services as clouds

from ..helpers import (
    AGENDA_FORM,
    EVENT_FORM,
    FINALIST_FORM,
    STAFF_PASSWORD,
    image_bytes,
    reloaded,
    sessions_of,
    soon,
)

VISITORS = ("anonymous", "participant", "other_participant")
STAFF = ("admin", "manager", "organiser", "co_organiser", "checkin", "presenter", "jury",
         "foreign_manager", "foreign_co_organiser")
ROLES = VISITORS + STAFF
SIGN_IN, FORBIDDEN, NOT_FOUND = 302, 403, 404


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(participant, other, staff):
    """What a signed-in participant, another event's participant and any staff account get."""
    return {"anonymous": SIGN_IN, "participant": participant, "other_participant": other,
            **dict.fromkeys(STAFF, staff)}


def organisers_only(status):
    """A staff route: `status` is what the platform admin gets; the other staff roles get what
    the route's need (NEEDS) gives them."""
    return signed_in(FORBIDDEN, FORBIDDEN, status)


OTHERS_STAFF_FORBIDDEN = {"foreign_manager": FORBIDDEN, "foreign_co_organiser": FORBIDDEN}

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
    # The dress rehearsal's phone page: none runs in this world; an empty post is invalid.
    ("rehearsal.phone", "GET"): everyone(NOT_FOUND),
    ("rehearsal.answer", "POST"): everyone(422),
    ("rehearsal.report", "POST"): everyone(422),
    # The stage page: for the event's participants; its staff watch without registering,
    # another network's staff do not (issue 34, item 8).
    ("live.stage_page", "GET"): signed_in(200, FORBIDDEN, 200) | OTHERS_STAFF_FORBIDDEN,
    ("live.stage_rooms", "GET"): signed_in(200, FORBIDDEN, 200) | OTHERS_STAFF_FORBIDDEN,
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
    # The offline desk: its list, its batch (an empty form is no batch), the app's files.
    ("checkin.people", "GET"): organisers_only(200),
    ("checkin.sync", "POST"): organisers_only(422),
    ("checkin.manifest", "GET"): organisers_only(200),
    ("checkin.service_worker", "GET"): organisers_only(200),
    ("organiser.vote_cards", "GET"): organisers_only(200),
    ("organiser.print_vote_cards", "POST"): organisers_only(422),
    ("organiser.void_vote_card", "POST"): organisers_only(422),
    ("organiser.vote_cards_sheet", "GET"): organisers_only(200),
    # The event is online: its participant needs no entrance ticket and is sent to their page.
    ("checkin.ticket", "GET"): signed_in(303, NOT_FOUND, NOT_FOUND),
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
    # The call for finalists: public form; jury pages for the event's jury;
    # the organiser's pages under /organiser/.
    ("calls.apply", "GET"): everyone(200),
    ("calls.apply", "POST"): everyone(422),
    ("calls.applied", "GET"): everyone(200),
    ("calls.jury", "GET"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN) | {"jury": 200},
    ("calls.score", "GET"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN) | {"jury": 200},
    ("calls.score", "POST"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN) | {"jury": 422},
    ("calls.jury_logo", "GET"): signed_in(FORBIDDEN, FORBIDDEN, FORBIDDEN) | {"jury": 200},
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
    # Speakers: public pages and photos of a published meeting; the organiser's list and form.
    ("speakers.speaker", "GET"): everyone(200),
    ("speakers.photo", "GET"): everyone(200),
    ("speakers.organiser_list", "GET"): organisers_only(200),
    ("speakers.new", "GET"): organisers_only(200),
    ("speakers.new", "POST"): organisers_only(422),  # no name
    ("speakers.edit", "GET"): organisers_only(200),
    ("speakers.edit", "POST"): organisers_only(303),  # an empty post keeps the profile
    ("speakers.delete", "POST"): organisers_only(NOT_FOUND),
    # The API (its tokens' own matrix: tests/api/test_token_matrix.py): cookies open nothing.
    ("api.networks", "GET"): everyone(200),
    ("api.network", "GET"): everyone(200),
    ("api.network_events", "GET"): everyone(200),
    ("api.event", "GET"): everyone(200),
    ("api.agenda", "GET"): everyone(200),
    ("api.breakouts", "GET"): everyone(200),
    ("api.finalists", "GET"): everyone(200),
    ("api.registrations", "GET"): everyone(401),
    ("api.applications", "GET"): everyone(401),
    ("api.results", "GET"): everyone(401),
    ("api.register_someone", "POST"): everyone(401),  # its CSRF token passes; no API token
    ("api.network_calendar", "GET"): everyone(200),
    ("api.personal_calendar", "GET"): everyone(NOT_FOUND),  # an unknown secret
    ("api_pages.calendar_feed", "GET"): signed_in(200, NOT_FOUND, NOT_FOUND),
    ("api_pages.calendar_feed", "POST"): signed_in(422, NOT_FOUND, NOT_FOUND),  # no "renew"
    ("api-docs.openapi_json", "GET"): everyone(200),
    ("api_pages.api_tokens", "GET"): organisers_only(200),
    ("api_pages.api_tokens", "POST"): organisers_only(422),
    ("api_pages.revoke_api_token", "POST"): organisers_only(NOT_FOUND),
    ("webhooks.endpoints", "GET"): organisers_only(200),
    ("webhooks.endpoints", "POST"): organisers_only(422),
    ("webhooks.delete_endpoint", "POST"): organisers_only(NOT_FOUND),
    ("webhooks.resume_endpoint", "POST"): organisers_only(NOT_FOUND),
    ("api_pages.docs", "GET"): everyone(200),
    # Certificates: only for who was there (the participant was not: 403); the public page
    # of an unknown code; mailing them refused before the meeting is over (a flash, 303).
    ("certificates.download", "GET"): signed_in(FORBIDDEN, NOT_FOUND, NOT_FOUND),
    ("certificates.verify", "GET"): everyone(NOT_FOUND),
    ("certificates.mail_all", "POST"): organisers_only(303),
    # Ranked breakout choices: the participant's ranking (an empty form); the organiser's
    # settings (no mode chosen), runs and publishing (refused: first come, first served).
    ("allocation.ranking", "GET"): signed_in(200, NOT_FOUND, NOT_FOUND),
    ("allocation.ranking", "POST"): signed_in(422, NOT_FOUND, NOT_FOUND),
    ("allocation.organiser", "GET"): organisers_only(200),
    ("allocation.organiser", "POST"): organisers_only(422),
    ("allocation.run", "POST"): organisers_only(409),
    ("allocation.publish", "POST"): organisers_only(409),
    # Meeting each other: the participant is not on the list (to its form; 403 for requests).
    ("matchmaking.people", "GET"): signed_in(302, NOT_FOUND, NOT_FOUND),
    ("matchmaking.profile", "GET"): signed_in(200, NOT_FOUND, NOT_FOUND),
    ("matchmaking.profile", "POST"): signed_in(422, NOT_FOUND, NOT_FOUND),  # no opt-in
    ("matchmaking.leave", "POST"): signed_in(303, NOT_FOUND, NOT_FOUND),
    ("matchmaking.ask", "POST"): signed_in(FORBIDDEN, NOT_FOUND, NOT_FOUND),
    ("matchmaking.answer", "POST"): signed_in(FORBIDDEN, NOT_FOUND, NOT_FOUND),
    ("matchmaking.topics", "GET"): organisers_only(200),
    ("matchmaking.topics", "POST"): organisers_only(303),
    # Word clouds: the participant's page (an empty form: 422); the organiser's clouds and a
    # new one (empty: 422); the moderation, opening and closing, hiding (empty forms: 422).
    ("wordcloud.answer", "GET"): signed_in(200, NOT_FOUND, NOT_FOUND),
    ("wordcloud.answer", "POST"): signed_in(422, NOT_FOUND, NOT_FOUND),
    ("wordcloud.clouds_page", "GET"): organisers_only(200),
    ("wordcloud.clouds_page", "POST"): organisers_only(422),
    ("wordcloud.moderate", "GET"): organisers_only(200),
    ("wordcloud.step", "POST"): organisers_only(422),
    ("wordcloud.hide", "POST"): organisers_only(422),
    # Feedback: the survey (an empty form takes the defaults: saved, 303), mailing it (the
    # meeting is not over: a flash, 303),
    # its export; the presenters' ratings (not shared: 403); an unknown single-use link.
    ("feedback.survey", "GET"): organisers_only(200),
    ("feedback.survey", "POST"): organisers_only(303),
    ("feedback.send", "POST"): organisers_only(303),
    ("feedback.export", "GET"): organisers_only(200),
    ("feedback.ratings", "GET"): organisers_only(FORBIDDEN),
    ("feedback.answer", "GET"): everyone(NOT_FOUND),
    ("feedback.speaker_ratings", "GET"): everyone(NOT_FOUND),
    ("feedback.answer", "POST"): everyone(NOT_FOUND),
    # Audience questions: the list for everyone; asking and upvoting for the event's
    # participants (an empty question: 422; a question not approved yet: 404; anyone else
    # 403); moderation for the live control, its settings for organisers (empty forms: 422).
    ("questions.ask", "GET"): everyone(200),
    ("questions.ask", "POST"): everyone(422),
    ("questions.question_list", "GET"): everyone(200),
    ("questions.upvote", "POST"): {**everyone(FORBIDDEN), "participant": NOT_FOUND},
    ("questions.moderate", "GET"): organisers_only(200),
    ("questions.moderate_step", "POST"): organisers_only(303),
    ("questions.merge", "POST"): organisers_only(422),
    ("questions.show_on_screen", "POST"): organisers_only(303),
    ("questions.settings", "POST"): organisers_only(422),
}


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
    "checkin.people": "checkin", "checkin.sync": "checkin", "checkin.manifest": "checkin",
    "checkin.service_worker": "checkin",
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
    "certificates.mail_all": "organise", "allocation.organiser": "organise",
    "allocation.run": "organise", "allocation.publish": "organise",
    "matchmaking.topics": "organise",
    "speakers.organiser_list": "organise", "speakers.new": "organise",
    "speakers.edit": "organise", "speakers.delete": "delete",
    "wordcloud.clouds_page": "organise", "wordcloud.moderate": "live", "wordcloud.step": "live",
    "wordcloud.hide": "live",
    "feedback.survey": "organise", "feedback.send": "organise", "feedback.export": "organise",
    "feedback.ratings": "live",
    "questions.moderate": "live", "questions.moderate_step": "live", "questions.merge": "live",
    "questions.show_on_screen": "live", "questions.settings": "organise",
    # Not about one event: the person's networks.
    "organiser.index": "staff", "organiser.new_event": "network_organise",
    "organiser.past_winners": "network_organise", "organiser.new_past_winner": "network_organise",
    "organiser.edit_past_winner": "network_organise",
    "organiser.delete_past_winner": "network_organise",
    "networks.networks": "staff", "networks.settings": "network_member",
    "networks.invite": "network_manage", "networks.revoke": "network_manage",
    "networks.withdraw": "network_manage",
    "api_pages.api_tokens": "network_manage", "api_pages.revoke_api_token": "network_manage",
    "webhooks.endpoints": "network_manage", "webhooks.delete_endpoint": "network_manage",
    "webhooks.resume_endpoint": "network_manage",
}
# Where changing needs more than seeing.
NEEDS_TO_POST = {"networks.networks": "platform_admin", "networks.settings": "network_manage"}
# What each staff role holds in our event.
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



# What each need is declared as on its route (organiser_required, network_role_required,
# event_role_required): the services narrow "staff" to the networks one works in.
DECLARED = {"staff": "staff", "network_organise": "staff",
            "network_member": "network:member/manage_people",
            "network_manage": "network:manage_people"}


def _expected(role: str, needs: str, admin_status: int) -> int:
    """What a staff role should get from a staff route, given what the platform admin gets."""
    held = CAPABILITIES[role]
    network_role = NETWORK_ROLE.get(role)
    if needs == "staff":
        return admin_status
    if needs == "platform_admin":
        return FORBIDDEN
    if needs == "network_organise":  # past winners, new events: a role in some network
        return admin_status if network_role or role == "foreign_manager" else FORBIDDEN
    if needs == "network_member":  # our network's page for staff
        return admin_status if network_role else NOT_FOUND
    if needs == "network_manage":
        return admin_status if network_role == "manager" else (
            FORBIDDEN if network_role else NOT_FOUND)
    if needs in held:
        return admin_status
    return FORBIDDEN if held else NOT_FOUND  # no role in the event: it does not exist for them


def expected(endpoint: str, method: str, role: str) -> int:
    statuses = MATRIX[(endpoint, method)]
    if role in ("admin", *VISITORS) or endpoint not in NEEDS:
        return statuses[role]
    needs = NEEDS_TO_POST.get(endpoint, NEEDS[endpoint]) if method == "POST" \
        else NEEDS[endpoint]
    if endpoint.endswith("past_winner") and role == "foreign_manager" \
            and endpoint != "organiser.new_past_winner":
        return NOT_FOUND  # our network's winner is not theirs
    return _expected(role, needs, statuses["admin"])


# Deleting routes get an id that does not exist, so that the matrix changes nothing.
MISSING = 999_999
DELETING = {"organiser.delete_agenda_item", "organiser.delete_breakout",
            "organiser.delete_finalist", "organiser.remove_team_member",
            "organiser.delete_past_winner", "organiser.revoke_staff", "networks.revoke",
            "calls.remove_juror", "organiser.delete_poll", "speakers.delete"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("bootstrap."):
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


@pytest.fixture
def world(app, organiser, two_networks, register):
    """The event of our network with an open vote, its participant, someone from another
    event, and staff in every role of ours and a foreign network."""
    event = two_networks["event"]
    session = sessions_of(event)[0]
    participant = register(event, session_ids=[session.id]).user
    other = register(two_networks["foreign_event"], email="other@example.org").user
    poll = polls.create_poll(organiser, event, "Preis")
    polls.open_poll(organiser, poll)
    finalist = finalists_of(event)[0]
    update_finalist(organiser, finalist, logo=image_bytes(), organisation=finalist.organisation,
                    project_title=finalist.project_title, summary="", presenter="",
                    pitch_order=1, pitch_seconds=180)
    question = questions.ask(event, questions.Asker(f"user:{participant.id}"), "Wer zahlt?")
    winner = add_past_winner(organiser, year=2019, award="ClusterERFOLG 2019",
                             organisation="Altnetz", project="Anfang", note="")
    calls.save_call(organiser, event, opens_at=utcnow(), deadline=soon(days=7), intro="",
                    questions="", criteria="Innovation")
    application = calls.apply(event, organisation="Netz", project_title="Projekt", summary="",
                              contact_name="Ada", contact_email="ada@example.org", answers=[],
                              consent=True, logo=image_bytes())
    speaker = save_speaker(organiser, event, name="Dr. Ole Janssen",
                           agenda_item_ids=[session.slot_id], photo=image_bytes())
    cloud = clouds.create_cloud(organiser, event, "Ein Wort?", 3)
    values = {"slug": event.slug, "event": event.slug, "item_id": session.slot_id,
              "speaker_id": speaker.id,
              "session_id": session.id,
              "finalist_id": finalist.id, "user_id": participant.id, "token": "unknown",
              "secret": "unknown",
              "application_id": application.id,
              "code": "unknown", "action": "welcome", "table": "registrations",
              "file_format": "csv", "kind": "vote_open", "winner_id": winner.id,
              "network": event.network.slug, "invitation_id": MISSING, "token_id": MISSING,
              "endpoint_id": MISSING,
              "poll_id": poll.id, "registration_id": MISSING, "request_id": MISSING,
              "option_id": poll.candidates[0].id, "cloud_id": cloud.id, "answer_id": "unknown",
              "question_id": question.id, "step": "approve"}
    people = {**two_networks["people"], "participant": participant,
              "other_participant": other}
    return {"values": values, "people": people, "event": event}


def _sign_in(client, auth, role, world):
    client.post("/auth/logout", data={})
    if role == "admin":
        auth.login_organiser()
    elif role in STAFF:
        auth.login_organiser(world["people"][role].email, STAFF_PASSWORD)
    elif role != "anonymous":
        auth.login_participant(world["people"][role])


def _snapshot() -> dict:
    """How many rows every table holds, and the events' statuses."""
    db.session.expire_all()
    counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    return {**counts, "status": list(db.session.scalars(select(Event.status).order_by(Event.id)))}


def test_every_route_is_in_the_matrix_and_every_staff_route_declares_its_need(app):
    routes = list(_routes(app))
    missing = {(rule.endpoint, method) for rule, method in routes} - MATRIX.keys()
    assert missing == set(), "add these routes to the matrix"
    staff_routes = {rule.endpoint for rule, _method in routes
                    if rule.rule.startswith("/organiser/")}
    assert staff_routes - NEEDS.keys() == set(), "say in NEEDS what these routes need"
    wrong = {endpoint: requirement_of(app.view_functions[endpoint]) for endpoint in staff_routes
             if requirement_of(app.view_functions[endpoint])
             != DECLARED.get(NEEDS[endpoint], f"event:{NEEDS[endpoint]}")}
    assert wrong == {}, "these routes declare another need than NEEDS (or none)"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_the_role_as_expected(app, client, auth, world, role):
    _sign_in(client, auth, role, world)
    before = _snapshot()
    wrong = []
    for rule, method in _routes(app):
        values = dict(world["values"])
        if rule.endpoint in DELETING:
            values.update(item_id=MISSING, session_id=MISSING, finalist_id=MISSING,
                          user_id=MISSING, winner_id=MISSING, poll_id=MISSING,
                          speaker_id=MISSING)
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        response = client.post(url, data={}) if method == "POST" else client.get(url)
        response.close()  # a file response (the favicon) holds its file open until then
        want = expected(rule.endpoint, method, role)
        if response.status_code != want:
            wrong.append(f"{role} {method} {url}: {response.status_code}, not {want}")
        if rule.endpoint == "auth.logout":
            _sign_in(client, auth, role, world)
    assert wrong == [], "\n".join(wrong)
    if role in VISITORS:  # what they may not do changed nothing
        assert _snapshot() == before


# --- full forms from participants, and no CSRF token ------------------------------------------


def _staff_posts(app):
    return sorted((rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/organiser/") and "POST" in rule.methods)


def _url(rule: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


# Everything a valid form of any staff page would need.
FULL_FORM = {**EVENT_FORM, **AGENDA_FORM, **FINALIST_FORM, "status": "archived",
             "email": "x@example.org", "capacity": "30"}


def test_a_participant_posting_full_forms_to_staff_routes_gets_403_and_changes_nothing(
        app, client, auth, world):
    auth.login_participant(world["people"]["participant"])
    before = _snapshot()
    answers = {endpoint: client.post(_url(rule, world["values"]), data=FULL_FORM).status_code
               for rule, endpoint in _staff_posts(app)}
    assert {endpoint for endpoint, status in answers.items() if status != FORBIDDEN} == set()
    assert _snapshot() == before


def test_a_staff_post_without_csrf_token_is_400_and_changes_nothing(app, orga, world):
    before = _snapshot()
    data = {**FULL_FORM, "slot_id": str(world["values"]["item_id"])}
    wrong = []
    for rule, endpoint in _staff_posts(app):
        url = _url(rule, world["values"])
        # The base client adds no token; an empty one is refused as well.
        for answer in (super(type(orga), orga).post(url, data=data),
                       orga.post(url, data={**data, "csrf_token": ""})):
            if answer.status_code != 400 or "Das Formular war abgelaufen" not in answer.get_data(
                    as_text=True):
                wrong.append(f"{endpoint}: {answer.status_code}")
    assert wrong == []
    assert _snapshot() == before
    assert reloaded(world["event"]).status == EventStatus.PUBLISHED
