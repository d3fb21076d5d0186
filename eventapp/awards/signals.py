"""Signals of the award for the features above it: live/push.py publishes the turnout,
webhooks tell other systems of a revealed poll.

Awards sits below live and webhooks, yet a vote counted or a poll revealed changes what they
send: they connect receivers here rather than awards importing upward.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the event's id; sent once the transaction that changed an open poll's turnout (a
#: vote counted, someone newly eligible) has committed
turnout_changed = _signals.signal("turnout-changed")

#: sender: the event's id, `polls`: the ids of the polls whose result became public; sent
#: inside the transaction that revealed them
poll_revealed = _signals.signal("poll-revealed")

#: sender: the event's id; sent inside the transaction that added, changed or removed one of
#: its finalists (polls.py keeps the drafts among all finalists in step)
finalists_changed = _signals.signal("finalists-changed")
