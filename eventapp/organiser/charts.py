"""The dashboard's charts, drawn on the server as SVG with their own labels (no script, no
inline style: the CSP allows neither). Each function returns the geometry that
templates/organiser/_charts.html draws, in a viewBox WIDTH units wide."""

from datetime import date, timedelta
from math import ceil

from flask_babel import format_date, format_percent

WIDTH = 360  # ~1 unit per CSS pixel on a phone, so 13-unit text reads as ~12 px there
ROW = 36  # a labelled bar: its label, then the bar
BAR = 12
# About the widest a character of 13-unit text is on average; a label gets the room its
# figure leaves and ends in "…" beyond it (the full one is in the bar's tooltip).
CHAR = 7.8


def _short(text: str, figure: str) -> str:
    room = int((WIDTH - CHAR * len(figure) - 12) / CHAR)
    return text if len(text) <= room else text[:room - 1].rstrip() + "…"


def labelled_bars(rows: list[tuple[str, int, int | None]]) -> dict:
    """Horizontal bars with their label above and "value / capacity" (or the value) at the
    right: `rows` are (label, value, capacity or None). Bars are to one scale, the largest
    capacity or value; each capacity is a track with a line at its end."""
    top = max([value for _l, value, _c in rows] + [c or 0 for _l, _v, c in rows],
              default=0) or 1
    bars = []
    for index, (label, value, capacity) in enumerate(rows):
        y = index * ROW
        figure = f"{value} / {capacity}" if capacity is not None else str(value)
        bars.append({
            "label": _short(label, figure), "full_label": label, "y_text": y + 14,
            "y_bar": y + 19, "width": round(WIDTH * min(value, top) / top, 1),
            "capacity_x": None if capacity is None else round(WIDTH * capacity / top, 1),
            "figure": figure, "value": value, "capacity": capacity})
    return {"bars": bars, "height": len(rows) * ROW, "bar_height": BAR, "width": WIDTH,
            "rows": [(bar["full_label"], bar["figure"]) for bar in bars]}


def turnout_bars(rows: list[tuple[str, int, int]]) -> dict:
    """Each closed vote's turnout: votes of those who could vote, as a percentage; `rows` are
    (title, votes, eligible)."""
    chart = labelled_bars([(title, 0, None) for title, _v, _e in rows])
    for bar, (title, votes, eligible) in zip(chart["bars"], rows, strict=True):
        share = votes / eligible if eligible else 0
        figure = f"{format_percent(share)} · {votes} / {eligible}"
        bar.update(label=_short(title, figure), width=round(WIDTH * min(share, 1), 1),
                   capacity_x=WIDTH, value=votes, capacity=eligible, figure=figure)
    chart["rows"] = [(bar["full_label"], bar["figure"]) for bar in chart["bars"]]
    return chart


# The timeline's plot area inside its viewBox.
_LEFT, _RIGHT, _TOP, _BOTTOM, _HEIGHT = 34, 14, 10, 24, 180


def timeline(running: list[tuple[date, int]], until: date) -> dict:
    """Registrations so far over a time axis from the first day to `until` (today, or the
    meeting's day once it has begun): a step line of the running total with a dot for each
    day someone registered, date ticks below and count ticks at the left."""
    first = running[0][0]
    last = max(until, running[-1][0])
    if last <= first:
        first = last - timedelta(days=1)
    span = (last - first).days
    total = running[-1][1]
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM

    def x(day: date) -> float:
        return round(_LEFT + plot_w * (day - first).days / span, 1)

    step = max(1, ceil(total / 4))
    counts = list(range(0, total + 1, step))
    if counts[-1] != total:
        counts.append(total)
    top = counts[-1] or 1

    def y(count: int) -> float:
        return round(_TOP + plot_h * (1 - count / top), 1)

    path, previous = [f"M{x(first)},{y(0)}"], 0
    for day, count in running:
        path.append(f"H{x(day)}V{y(count)}")
        previous = count
    path.append(f"H{x(last)}")
    every = span if span <= 6 else None
    tick_days = ([first + timedelta(days=n) for n in range(span + 1)] if every
                 else sorted({first + timedelta(days=round(span * n / 3)) for n in range(4)}))
    x_ticks = [{"x": x(day), "label": format_date(day, "short"),
                "anchor": "start" if day == first else "end" if day == last else "middle"}
               for day in tick_days]
    if len(x_ticks) > 4:  # short spans: every day is a tick, every other one has a label
        for index, tick in enumerate(x_ticks):
            if index % 2 and index != len(x_ticks) - 1:
                tick["label"] = ""
    return {"width": WIDTH, "height": _HEIGHT, "path": "".join(path),
            "points": [{"x": x(day), "y": y(count), "day": day.isoformat(), "count": count,
                        "label": format_date(day, "short")} for day, count in running],
            "x_ticks": x_ticks, "y_ticks": [{"y": y(count), "label": count} for count in counts],
            "left": _LEFT, "right": WIDTH - _RIGHT, "bottom": y(0), "top": _TOP,
            "total": previous, "dot": 3.5 if len(running) <= 15 else 2,
            "rows": [(format_date(day, "short"), count) for day, count in running]}
