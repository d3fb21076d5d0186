"""A small per-process cache for the hot paths of the live show (the state's tag, the ballot).

Each app server keeps what many phones ask for again and again for about a second, so a
process asks the database at most once per that time and key, however many phones ask.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class TimedCache(Generic[Value]):
    """key → value, fresh for `max_age` seconds; the `size` most recently asked keys.

    `load(key)` returns None for a key that does not exist: that is not kept, so made-up
    keys cost a load each but no memory.
    """

    def __init__(self, load: Callable[[str], Value | None], max_age: float, size: int):
        self._load, self._max_age, self._size = load, max_age, size
        self._entries: OrderedDict[str, tuple[Value, float]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threaded workers share the cache

    def __len__(self) -> int:
        return len(self._entries)

    def fresh(self, key: str) -> Value | None:
        """The cached value if it is still fresh, else None (never loads)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[1] <= time.monotonic():
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def get(self, key: str) -> Value | None:
        """The value from the cache, or loaded; None if the key does not exist."""
        value = self.fresh(key)
        if value is not None:
            return value
        value = self._load(key)
        with self._lock:
            if value is None:
                self._entries.pop(key, None)
            else:
                self._entries[key] = (value, time.monotonic() + self._max_age)
                self._entries.move_to_end(key)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return value
