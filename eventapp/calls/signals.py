"""Signals of the call for finalists for the features above it (webhooks)."""

from blinker import Namespace

_signals = Namespace()

#: sender: the application; sent inside the transaction that received it
application_received = _signals.signal("application-received")
