"""The word cloud as SVG, laid out on the server: no third-party service, no script.

Words are placed biggest first along an Archimedean spiral from the centre, each where its
box meets no box placed before. The browser's font is not known here: widths are
estimated for a wide bold font (DejaVu Sans Bold, Debian's default) and every word carries
the width it was given (`textLength`), so the boxes, and so the gaps, hold with any font.
"""

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 1600, 800
MAX_WORDS_DRAWN = 60
SMALLEST, BIGGEST = 28, 120  # font sizes in the picture's units
PADDING = 10
# Of the font size: a text's box in the browser holds the font's ascent and descent.
LINE_HEIGHT = 1.5
FILL = 0.4
SPIRAL_STEP = 0.1
SPIRAL_TURNS = 1600  # steps before a word that finds no room is left out


@dataclass(frozen=True)
class PlacedWord:
    text: str
    count: int
    x: float  # the centre
    y: float
    size: float
    width: float


def layout(counts: list[tuple[str, int]]) -> list[PlacedWord]:
    """Place the most given words (most first) in a WIDTH×HEIGHT picture without overlap."""
    counts = counts[:MAX_WORDS_DRAWN]
    if not counts:
        return []
    most, least = counts[0][1], counts[-1][1]
    sizes = [SMALLEST + (BIGGEST - SMALLEST) * math.sqrt(
        (count - least) / (most - least) if most > least else 1.0) for _text, count in counts]
    # Many words: all smaller, so that their boxes take at most FILL of the picture.
    area = sum(size * _ems(text) * size * LINE_HEIGHT
               for (text, _count), size in zip(counts, sizes, strict=True))
    scale = min(1.0, math.sqrt(FILL * WIDTH * HEIGHT / area))
    placed: list[PlacedWord] = []
    boxes: list[tuple[float, float, float, float]] = []
    for (text, count), size in zip(counts, sizes, strict=True):
        size *= scale
        width = size * _ems(text)
        if width > WIDTH - 2 * PADDING:  # a long phrase: smaller until it fits
            size *= (WIDTH - 2 * PADDING) / width
            width = size * _ems(text)
        height = size * LINE_HEIGHT
        spot = _free_spot(width + PADDING, height + PADDING, boxes)
        if spot is None:
            continue
        x, y = spot
        boxes.append((x - (width + PADDING) / 2, y - (height + PADDING) / 2,
                      x + (width + PADDING) / 2, y + (height + PADDING) / 2))
        placed.append(PlacedWord(text, count, round(x, 1), round(y, 1), round(size, 1),
                                 round(width, 1)))
    return placed


def _ems(text: str) -> float:
    """The text's width in ems, by the widths of DejaVu Sans Bold's letters, rounded up."""
    return sum(0.4 if char in "iljIJ.,:;'!|" else 0.52 if char in "ftr- " else
               1.06 if char in "mwMW" else 0.82 if char.isupper() else 0.72 for char in text)


def _free_spot(width: float, height: float, boxes) -> tuple[float, float] | None:
    for step in range(SPIRAL_TURNS):
        angle = step * SPIRAL_STEP
        radius = 4 * angle
        # Wider than high, as the screen is.
        x = WIDTH / 2 + 2 * radius * math.cos(angle)
        y = HEIGHT / 2 + radius * math.sin(angle)
        box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
        if box[0] < 0 or box[1] < 0 or box[2] > WIDTH or box[3] > HEIGHT:
            continue
        if not any(box[0] < other[2] and other[0] < box[2] and box[1] < other[3]
                   and other[1] < box[3] for other in boxes):
            return x, y
    return None
