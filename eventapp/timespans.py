"""When something takes place, in the reader's language and the meeting's time zone: the one
place that formats a time range (a meeting of two days shows both days) and groups an agenda
by day. Pages use the Jinja filters `timerange` and `daterange` and the global `by_day`
(registered in create_app); mails render the same filters in their reader's locale."""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from itertools import groupby

from flask_babel import format_date, format_time, gettext, to_user_timezone


def local_day(value: datetime) -> date:
    """The calendar day of `value` where the meeting takes place (BABEL_DEFAULT_TIMEZONE)."""
    return to_user_timezone(value).date()


def _clock(start: str, end: str | None = None) -> str:
    # "09:00 – 17:30 Uhr" in German, "9:00 AM – 5:30 PM" in English: one "o'clock" per range.
    return gettext("%(time)s o'clock", time=start if end is None else f"{start} – {end}")


def time_range(start: datetime, end: datetime, *, with_date: bool = True) -> str:
    """"07.12.2026, 09:00 – 17:30 Uhr"; over two days "07.12.2026, 09:00 Uhr – 08.12.2026,
    14:15 Uhr". Without the date (an agenda under its day's heading) "09:00 – 10:00 Uhr",
    unless the range crosses midnight."""
    if start is None or end is None:
        return ""
    first, last = format_time(start, "short"), format_time(end, "short")
    if local_day(start) == local_day(end):
        times = _clock(first, last)
        return f"{format_date(start, 'medium')}, {times}" if with_date else times
    return (f"{format_date(start, 'medium')}, {_clock(first)} – "
            f"{format_date(end, 'medium')}, {_clock(last)}")


def date_range(start: datetime, end: datetime) -> str:
    """"07.12.2026", or "07.12.2026 – 08.12.2026" for a meeting of two days (lists)."""
    if start is None:
        return ""
    if end is None or local_day(start) == local_day(end):
        return format_date(start, "medium")
    return f"{format_date(start, 'medium')} – {format_date(end, 'medium')}"


def day_heading(day: date) -> str:
    """"Montag, 7. Dezember 2026": the heading above a day of a multi-day agenda."""
    return format_date(day, "full")


def by_day(items: Iterable, key: Callable = lambda item: item.starts_at) -> list[tuple]:
    """The items (in order of time) as [(heading, items of that day)]; the heading is None when
    all of them fall on one day, so a one-day agenda looks as it always did."""
    days = [(day, list(group)) for day, group in groupby(items, lambda i: local_day(key(i)))]
    if len(days) < 2:
        return [(None, group) for _day, group in days]
    return [(day_heading(day), group) for day, group in days]
