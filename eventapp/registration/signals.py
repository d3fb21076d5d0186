"""Signals of registration for the features above it (as events/page_hooks.py does for pages).

Awards sits above registration, yet a poll open for everyone registered counts whoever
gets a place during the vote among its eligible: it connects a receiver here rather than
registration importing upward.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the event's id; sent inside the transaction that gave a registration its place
#: (registered, confirmed by the mailed link, or promoted from the waitlist)
place_taken = _signals.signal("place-taken")

#: sender: the registration; sent inside the transaction in which its owner confirmed it by
#: the mailed link (webhooks)
registration_confirmed = _signals.signal("registration-confirmed")

#: sender: the registration; sent inside the transaction that cancelled it (webhooks)
registration_cancelled = _signals.signal("registration-cancelled")

#: sender: the registration; sent inside the transaction that checked the person in (webhooks)
checked_in = _signals.signal("checked-in")
