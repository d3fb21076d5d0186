"""An audit entry's values in words of the reader's language, for the audit log and the event
page's latest changes: "Role: Co-organiser" rather than {"role": "co_organiser"}."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.labels import detail_label
from ..awards.models import PollKind
from ..events.models import EventStatus
from ..live.models import ScreenMode
from ..networks.roles import ROLE_LABELS

# Values that are codes, in words, by the name they are kept under.
_VALUE_LABELS = {
    "role": ROLE_LABELS,
    "before": (statuses := {EventStatus.DRAFT: _l("Draft"), EventStatus.PUBLISHED: _l("Published"),
                            EventStatus.ARCHIVED: _l("Archived")}),
    "after": statuses,
    "kind": {PollKind.FINALISTS: _l("An award among finalists"),
             PollKind.PEOPLE: _l("An award among people"),
             PollKind.QUESTION: _l("A question: yes, no or abstain")},
    "mode": {ScreenMode.WELCOME: _l("Welcome"), ScreenMode.AGENDA: _l("Agenda"),
             ScreenMode.PITCH: _l("Pitch"), ScreenMode.VOTE: _l("Vote"),
             ScreenMode.RESULTS: _l("Result"),
             ScreenMode.QUESTIONS: _l("Questions")},
}


def _value(key: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{detail_label(k)}: {_value(k, v)}" for k, v in value.items())
    words = _VALUE_LABELS.get(key, {})
    return str(words[value]) if isinstance(value, str) and value in words else str(value)


def readable_details(details: dict | None) -> list[tuple[str, str]]:
    """(name, value) of each value an entry keeps, in words."""
    return [(detail_label(key), _value(key, value)) for key, value in (details or {}).items()]
