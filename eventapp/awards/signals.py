"""Signals of the award for the features above it: live/push.py publishes the turnout.

Awards sits below live, yet a vote counted or a voter newly eligible changes what the big
screen shows: live connects a receiver here rather than awards importing upward.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the event's id; sent once the transaction that changed an open poll's turnout (a
#: vote counted, someone newly eligible) has committed
turnout_changed = _signals.signal("turnout-changed")
