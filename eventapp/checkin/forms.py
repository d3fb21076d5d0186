"""The check-in desk's forms, and the batch an offline desk sends."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, SearchField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..database import MAX_ID
from ..forms import DATABASE_ID, Form
from .models import DeskActionKind


class TicketForm(Form):
    ticket = StringField(_l("Ticket code"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Check in"))


class CheckInForm(Form):
    registration_id = IntegerField(widget=HiddenInput(), validators=[DataRequired(), DATABASE_ID])


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search that changes nothing

    q = SearchField(_l("Name, organisation or email"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Search"))


class WalkInForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    consent = BooleanField(
        _l("The person agrees that their data is processed to organise this event."),
        validators=[InputRequired(message=_l("Please agree to the processing of your data."))])
    submit = SubmitField(_l("Register and check in"))


# The desk names itself and each action with a random UUID (crypto.randomUUID()).
DESK_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_BATCH = 200  # a desk sends what it queued in batches of at most this many
MAX_WAITING = 100_000


@dataclass(frozen=True)
class QueuedAction:
    id: str
    kind: DeskActionKind
    registration_id: int


@dataclass(frozen=True)
class DeskBatch:
    desk: str
    waiting: int  # check-ins the desk still holds besides this batch
    actions: list[QueuedAction]


def _is_id(value) -> bool:
    return isinstance(value, str) and DESK_ID.fullmatch(value) is not None


def _count(value, limit: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit


def desk_batch(data) -> DeskBatch | None:
    """The batch a desk sent (JSON: desk, waiting, actions of id, kind, registration), or None
    for anything else."""
    if not isinstance(data, dict) or not _is_id(data.get("desk")) \
            or not _count(data.get("waiting"), MAX_WAITING):
        return None
    actions = data.get("actions")
    if not isinstance(actions, list) or len(actions) > MAX_BATCH:
        return None
    parsed = []
    for action in actions:
        if not isinstance(action, dict) or not _is_id(action.get("id")) \
                or action.get("kind") not in set(DeskActionKind) \
                or not _count(action.get("registration"), MAX_ID) or action["registration"] < 1:
            return None
        parsed.append(QueuedAction(action["id"], DeskActionKind(action["kind"]),
                                   action["registration"]))
    return DeskBatch(data["desk"], data["waiting"], parsed)
