"""The word cloud as SVG, laid out on the server: no third-party service, no script.

Words are placed biggest first along an Archimedean spiral from the centre, each where its
box meets no box placed before. The browser's font is not known here, so every word carries
the width it was given (`textLength`): the boxes, and so the gaps, hold with any font.
"""

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 1600, 800
MAX_WORDS_DRAWN = 60
SMALLEST, BIGGEST = 28, 120  # font sizes in the picture's units
CHAR_WIDTH = 0.6  # of the font size, a wide average: narrow fonts stretch a little
PADDING = 10
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
    area = sum(CHAR_WIDTH * size * len(text) * size * 1.2
               for (text, _count), size in zip(counts, sizes, strict=True))
    scale = min(1.0, math.sqrt(FILL * WIDTH * HEIGHT / area))
    placed: list[PlacedWord] = []
    boxes: list[tuple[float, float, float, float]] = []
    for (text, count), size in zip(counts, sizes, strict=True):
        size *= scale
        width = CHAR_WIDTH * size * len(text)
        if width > WIDTH - 2 * PADDING:  # a long phrase: smaller until it fits
            size *= (WIDTH - 2 * PADDING) / width
            width = CHAR_WIDTH * size * len(text)
        height = size * 1.2
        spot = _free_spot(width + PADDING, height + PADDING, boxes)
        if spot is None:
            continue
        x, y = spot
        boxes.append((x - (width + PADDING) / 2, y - (height + PADDING) / 2,
                      x + (width + PADDING) / 2, y + (height + PADDING) / 2))
        placed.append(PlacedWord(text, count, round(x, 1), round(y, 1), round(size, 1),
                                 round(width, 1)))
    return placed


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
