"""An audit entry's values in words of the reader's language, for the audit log and the event
page's latest changes: "Role: Co-organiser" rather than {"role": "co_organiser"}."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.labels import detail_label
from ..events.models import EventStatus
from ..networks.roles import ROLE_LABELS

_STATUS_LABELS = {EventStatus.DRAFT: _l("Draft"), EventStatus.PUBLISHED: _l("Published"),
                  EventStatus.ARCHIVED: _l("Archived")}


def _value(key: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{detail_label(k)}: {_value(k, v)}" for k, v in value.items())
    if key == "role" and value in ROLE_LABELS:
        return str(ROLE_LABELS[value])
    if key in ("before", "after") and value in _STATUS_LABELS:
        return str(_STATUS_LABELS[value])
    return str(value)


def readable_details(details: dict | None) -> list[tuple[str, str]]:
    """(name, value) of each value an entry keeps, in words."""
    return [(detail_label(key), _value(key, value)) for key, value in (details or {}).items()]
