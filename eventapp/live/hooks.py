"""Parts of the live state that higher features add (the audience's questions).

Live sits below those features, yet its state carries what they put on the screen. Rather
than importing upward, they connect a receiver here (as events/page_hooks.py does for the
event page). A receiver gets the event and its LiveState and returns a dict of parts of the
public state, or None.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the Event, with `state` (its LiveState); receivers return a dict or None
state_parts = _signals.signal("live-state-parts")


def parts_of(event, state) -> dict:
    """The parts the connected features add to the event's public state."""
    parts = {}
    for _receiver, part in state_parts.send(event, state=state):
        parts.update(part or {})
    return parts
