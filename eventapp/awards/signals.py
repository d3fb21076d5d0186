"""Signals of awards for the features above it (webhooks)."""

from blinker import Namespace

_signals = Namespace()

#: sender: the event's id, `polls`: the ids of the polls whose result became public; sent
#: inside the transaction that revealed them
poll_revealed = _signals.signal("poll-revealed")
