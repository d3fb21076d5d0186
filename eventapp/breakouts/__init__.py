"""Breakout sessions and seat accounting. No pages of its own: its section shows on the
event page, and participants choose seats through registration."""

from . import page_hooks  # noqa: F401
