"""The audit log's action keys in words of the reader's language (organiser/audit.html).

A key is "<kind>.<what happened>" as the features record it; a key missing here shows as it
is. tests/organiser/test_dashboard.py finds every key the code records and asks for its label.
"""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "account": _l("Accounts"),
    "agenda": _l("Agenda"),
    "allocation": _l("Breakout allocation"),
    "api": _l("API"),
    "breakout": _l("Breakout sessions"),
    "call": _l("Call for finalists"),
    "cards": _l("Vote cards"),
    "checkin": _l("Check-in"),
    "event": _l("Event"),
    "export": _l("Exports"),
    "finalist": _l("Finalists"),
    "guests": _l("Guest list"),
    "live": _l("Big screen"),
    "mail": _l("Mails"),
    "network": _l("Networks"),
    "organiser": _l("Organiser"),
    "past_winner": _l("Earlier winners"),
    "poll": _l("Vote"),
    "staff": _l("People and roles"),
}

ACTION_LABELS = {
    "account.deleted": _l("Account deleted"),
    "agenda.created": _l("Agenda item added"),
    "agenda.deleted": _l("Agenda item deleted"),
    "agenda.updated": _l("Agenda item changed"),
    "allocation.published": _l("Breakout allocation published"),
    "allocation.run": _l("Breakout allocation run"),
    "allocation.settings": _l("Breakout allocation set up"),
    "api.token_created": _l("API token made"),
    "api.token_revoked": _l("API token revoked"),
    "api.used": _l("API token used"),
    "breakout.created": _l("Breakout session created"),
    "breakout.deleted": _l("Breakout session deleted"),
    "breakout.updated": _l("Breakout session changed"),
    "call.created": _l("Call for finalists opened"),
    "call.finalists_chosen": _l("Shortlist turned into finalists"),
    "call.juror_added": _l("Juror added"),
    "call.juror_removed": _l("Juror removed"),
    "call.scoring_closed": _l("Jury scoring closed"),
    "call.scoring_reopened": _l("Jury scoring opened again"),
    "call.updated": _l("Call for finalists changed"),
    "cards.handed_out": _l("Vote card handed out"),
    "cards.printed": _l("Vote cards made"),
    "cards.voided": _l("Vote card voided"),
    "checkin": _l("Participant checked in"),
    "checkin.walk_in": _l("Walk-in registered at the desk"),
    "event.anonymised": _l("Event anonymised"),
    "event.created": _l("Event created"),
    "event.status": _l("Status of the event changed"),
    "event.updated": _l("Event changed"),
    "export.participants": _l("Participant list exported"),
    "export.registrations": _l("Registrations exported"),
    "finalist.created": _l("Finalist added"),
    "finalist.deleted": _l("Finalist deleted"),
    "finalist.team_member_added": _l("Team member added"),
    "finalist.team_member_removed": _l("Team member removed"),
    "finalist.updated": _l("Finalist changed"),
    "guests.accepted": _l("Invitation accepted"),
    "guests.added": _l("Guests added to the guest list"),
    "guests.declined": _l("Invitation declined"),
    "guests.settings": _l("Guest list settings changed"),
    "live.agenda": _l("Screen: agenda item"),
    "live.pitch": _l("Screen: pitch started"),
    "live.results": _l("Screen: result"),
    "live.reveal": _l("Screen: next place revealed"),
    "live.runoff": _l("Screen: run-off"),
    "live.vote": _l("Screen: vote opened"),
    "live.vote_closed": _l("Screen: vote closed"),
    "live.welcome": _l("Screen: welcome"),
    "mail.allocated": _l("Mails with the allocated breakout sessions sent"),
    "mail.certificate": _l("Certificates of attendance mailed"),
    "mail.call_accepted": _l("Mails to the chosen finalists sent"),
    "mail.call_declined": _l("Mails to applicants not shortlisted sent"),
    "mail.invitation": _l("Invitations sent"),
    "mail.invitation_reminder": _l("Reminders of the invitation sent"),
    "mail.message": _l("Message to participants sent"),
    "mail.reminder": _l("Reminder mails sent"),
    "mail.result": _l("Result mails sent"),
    "mail.vote_open": _l("Mails with the voting link sent"),
    "network.created": _l("Network created"),
    "network.updated": _l("Network changed"),
    "organiser.created": _l("Organiser account created or changed"),
    "past_winner.created": _l("Earlier winner added"),
    "past_winner.deleted": _l("Earlier winner deleted"),
    "past_winner.updated": _l("Earlier winner changed"),
    "poll.announced": _l("Result announced"),
    "poll.closed": _l("Vote closed"),
    "poll.created": _l("Vote set up"),
    "poll.deleted": _l("Vote deleted"),
    "poll.opened": _l("Vote opened"),
    "poll.photo_removed": _l("Photo of a person on a ballot removed"),
    "poll.photo_set": _l("Photo of a person on a ballot set"),
    "poll.revealed": _l("Result made public"),
    "poll.runoff_created": _l("Run-off set up"),
    "poll.updated": _l("Vote changed"),
    "staff.invitation_withdrawn": _l("Invitation withdrawn"),
    "staff.invited": _l("Invited to a role"),
    "staff.joined": _l("Invitation accepted"),
    "staff.revoked": _l("Role revoked"),
    "staff.role_given": _l("Role given"),
}


# The names of the values an entry keeps (its details); a name missing here shows as it is.
DETAIL_LABELS = {
    "added": _l("Added"),
    "after": _l("After"),
    "before": _l("Before"),
    "call": _l("Call"),
    "count": _l("Count"),
    "email": _l("Email"),
    "existing": _l("Already on the list"),
    "fields": _l("Fields"),
    "finalist": _l("Finalist"),
    "first": _l("First number"),
    "format": _l("Format"),
    "guests": _l("Guests"),
    "invitation": _l("Invitation"),
    "invitation_only": _l("By invitation only"),
    "item": _l("Agenda item"),
    "kind": _l("Kind"),
    "merged": _l("Merged"),
    "network": _l("Network"),
    "number": _l("Number"),
    "parent": _l("Earlier vote"),
    "people": _l("People"),
    "poll": _l("Vote"),
    "polls": _l("Votes"),
    "recipients": _l("Recipients"),
    "registration": _l("Registration"),
    "role": _l("Role"),
    "rows": _l("Rows"),
    "session": _l("Breakout session"),
    "show": _l("On the big screen"),
    "slug": _l("Address"),
    "title": _l("Title"),
    "user": _l("Person"),
    "winner": _l("Earlier winner"),
    "year": _l("Year"),
}


def detail_label(key: str) -> str:
    """The words for the name of a value an entry keeps; an unknown name as it is."""
    return str(DETAIL_LABELS.get(key, key))


def action_label(key: str) -> str:
    """The words for an action key; an unknown key as it is."""
    return str(ACTION_LABELS.get(key, key))


def kind_label(kind: str) -> str:
    """The words for a kind of action (the part of the key before the dot)."""
    return str(KIND_LABELS.get(kind, kind))
