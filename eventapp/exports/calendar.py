"""iCalendar (RFC 5545) files, written by hand: a handful of fields needs no library."""

from datetime import datetime

from ..database import utcnow
from .tables import BIDI_CONTROL


def _text(value: str) -> str:
    text = BIDI_CONTROL.sub("\ufffd", value or "")  # stored before the forms refused them
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,") \
        .replace("\r\n", "\\n").replace("\n", "\\n")


def _time(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    # Lines longer than 75 octets continue on the next line after a space.
    encoded, parts = line.encode("utf-8"), []
    while len(encoded) > 75:
        cut = 75
        while (encoded[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = b" " + encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n".join(parts)


def calendar(name: str, entries: list[dict]) -> bytes:
    """entries: dicts with uid, starts_at, ends_at, summary and optional location, description."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eventapp//DE",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_text(name)}"]
    stamp = _time(utcnow())
    for entry in entries:
        lines += ["BEGIN:VEVENT", f"UID:{entry['uid']}", f"DTSTAMP:{stamp}",
                  f"DTSTART:{_time(entry['starts_at'])}", f"DTEND:{_time(entry['ends_at'])}",
                  f"SUMMARY:{_text(entry['summary'])}"]
        if entry.get("location"):
            lines.append(f"LOCATION:{_text(entry['location'])}")
        if entry.get("description"):
            lines.append(f"DESCRIPTION:{_text(entry['description'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
