"""The audit log's action keys in words of the reader's language (organiser/audit.html).

A key is "<kind>.<what happened>" as the features record it; a key missing here shows as it
is. tests/test_organiser_dashboard.py finds every key the code records and asks for its label.
"""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "account": _l("Accounts"),
    "agenda": _l("Agenda"),
    "breakout": _l("Breakout sessions"),
    "cards": _l("Vote cards"),
    "checkin": _l("Check-in"),
    "event": _l("Event"),
    "export": _l("Exports"),
    "finalist": _l("Finalists"),
    "live": _l("Big screen"),
    "mail": _l("Mails"),
    "organiser": _l("Organiser"),
    "past_winner": _l("Earlier winners"),
    "poll": _l("Vote"),
}

ACTION_LABELS = {
    "account.deleted": _l("Account deleted"),
    "agenda.created": _l("Agenda item added"),
    "agenda.deleted": _l("Agenda item deleted"),
    "agenda.updated": _l("Agenda item changed"),
    "breakout.created": _l("Breakout session created"),
    "breakout.deleted": _l("Breakout session deleted"),
    "breakout.updated": _l("Breakout session changed"),
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
    "live.agenda": _l("Screen: agenda item"),
    "live.pitch": _l("Screen: pitch started"),
    "live.results": _l("Screen: result"),
    "live.reveal": _l("Screen: next place revealed"),
    "live.runoff": _l("Screen: run-off"),
    "live.vote": _l("Screen: vote opened"),
    "live.vote_closed": _l("Screen: vote closed"),
    "live.welcome": _l("Screen: welcome"),
    "mail.message": _l("Message to participants sent"),
    "mail.reminder": _l("Reminder mails sent"),
    "mail.result": _l("Result mails sent"),
    "mail.vote_open": _l("Mails with the voting link sent"),
    "organiser.created": _l("Organiser account created or changed"),
    "past_winner.created": _l("Earlier winner added"),
    "past_winner.deleted": _l("Earlier winner deleted"),
    "past_winner.updated": _l("Earlier winner changed"),
    "poll.announced": _l("Result announced"),
    "poll.closed": _l("Vote closed"),
    "poll.created": _l("Vote set up"),
    "poll.deleted": _l("Vote deleted"),
    "poll.opened": _l("Vote opened"),
    "poll.revealed": _l("Result made public"),
    "poll.runoff_created": _l("Run-off set up"),
    "poll.updated": _l("Vote changed"),
}


def action_label(key: str) -> str:
    """The words for an action key; an unknown key as it is."""
    return str(ACTION_LABELS.get(key, key))


def kind_label(kind: str) -> str:
    """The words for a kind of action (the part of the key before the dot)."""
    return str(KIND_LABELS.get(kind, kind))
