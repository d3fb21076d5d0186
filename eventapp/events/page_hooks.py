"""Page hooks: events/routes.py shows the boxes that registration, breakouts and awards add.

Through these hooks higher features add sections to the pages of this package.

Events sit low in the dependency order (auth ← events ← registration, breakouts ←
awards ← live), yet the event page shows breakouts, finalists and a registration
button. Rather than importing upward, those features connect a receiver here (as
Indico's feature modules do with its signals). A receiver gets the event (or None for
the start page) and returns a `Section`, or None to show nothing.
"""

from dataclasses import dataclass, field

from blinker import Namespace

_signals = Namespace()

#: sender: the Event; receivers return a Section or None
event_page = _signals.signal("event-page")
#: sender: None; receivers return a Section or None
index_page = _signals.signal("index-page")
#: sender: the participant's Registration (their own page); receivers return a Section or None
participant_page = _signals.signal("participant-page")


@dataclass(order=True)
class Section:
    order: int
    template: str = field(compare=False)
    context: dict = field(default_factory=dict, compare=False)


def collect(signal, sender) -> list[Section]:
    """The sections the connected features return for this sender, in their order."""
    return sorted(section for _receiver, section in signal.send(sender) if section is not None)
