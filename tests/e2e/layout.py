"""Checks of what a page looks like, for any browser test: words broken across lines, text
that overlaps other text, things cut off by a box that hides its overflow, a headline's
size; and a screenshot of each page checked.

    problems = layout_problems(page)            # [] when the page looks right
    save_screenshot(page, "layout-stage-360-de")

Each problem is a short sentence naming the text and where it is, for the failure message.
"""

import os
from pathlib import Path

# Kept as the test run's artifact (git-ignored): tests/e2e/screenshots/<name>.png.
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOT_DIR", Path(__file__).with_name("screenshots")))

# The page's visible text, as fragments: one rectangle per line box of each word of each
# text node, with the element it belongs to and the boxes around it that hide overflow.
_PROBLEMS = r"""(options) => {
  const problems = [];
  const describe = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.id) { name += "#" + element.id; }
    const classes = [...element.classList].slice(0, 2);
    if (classes.length) { name += "." + classes.join("."); }
    return name;
  };
  const HIDDEN = ".visually-hidden, .visually-hidden-focusable:not(:focus):not(:focus-within)";
  // Text of its own layout (a select's options, a text area's) is not the page's text.
  // An address or a command is not a word: it may break where the line ends.
  const ADDRESS = "code, .address";
  const SKIP = "script, style, noscript, template, title, option, select, textarea, " + HIDDEN;
  const visible = (element) => element.checkVisibility({checkOpacity: true,
                                                       checkVisibilityCSS: true});
  // Rectangles of one line each: fragments on the same line (bidi, a tab) are one line.
  const lines = (rects) => {
    const tops = [];
    for (const rect of rects) {
      if (rect.width < 0.5 || rect.height < 0.5) { continue; }
      if (!tops.some((top) => Math.abs(top - rect.top) < rect.height / 2)) { tops.push(rect.top); }
    }
    return tops.length;
  };
  // The boxes that clip an element: ancestors whose overflow is hidden or clip (a box
  // that scrolls shows its content by scrolling), and the window when the page cannot scroll.
  const clipCache = new Map();
  const clippers = (element) => {
    if (clipCache.has(element)) { return clipCache.get(element); }
    const found = [];
    for (let box = element.parentElement; box; box = box.parentElement) {
      const style = getComputedStyle(box);
      const hides = (value) => value === "hidden" || value === "clip";
      if (box === document.documentElement || box === document.body) {
        if (hides(style.overflowY) || hides(style.overflowX)) {
          found.push({name: "the window (the page cannot scroll)", element: null,
                      x: hides(style.overflowX), y: hides(style.overflowY)});
        }
        continue;
      }
      if (hides(style.overflowX) || hides(style.overflowY)) {
        found.push({name: describe(box), element: box,
                    x: hides(style.overflowX), y: hides(style.overflowY)});
      }
    }
    clipCache.set(element, found);
    return found;
  };
  const clippedBy = (rect, element) => {
    for (const clipper of clippers(element)) {
      let box;
      if (clipper.element === null) {
        box = {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight};
      } else {
        const outer = clipper.element.getBoundingClientRect();
        const style = getComputedStyle(clipper.element);
        box = {left: outer.left + parseFloat(style.borderLeftWidth),
               top: outer.top + parseFloat(style.borderTopWidth),
               right: outer.right - parseFloat(style.borderRightWidth),
               bottom: outer.bottom - parseFloat(style.borderBottomWidth)};
      }
      const beyond = (clipper.x && (rect.left < box.left - 1 || rect.right > box.right + 1))
                  || (clipper.y && (rect.top < box.top - 1 || rect.bottom > box.bottom + 1));
      if (beyond) { return clipper.name; }
    }
    return null;
  };

  // 1. Each word of visible text: one line box, not clipped.
  const fragments = [];  // {rect, node, text, element}
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const brokenSeen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || !node.textContent.trim() || element.closest(SKIP) || !visible(element)) {
      continue;
    }
    // Words: between spaces; a hyphen, dash or slash may end a line ("Breakout-" / "Sessions").
    const pattern = /[^\s\-\u2010-\u2015\/]+[\-\u2010-\u2015\/]?/g;
    for (const match of node.textContent.matchAll(pattern)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width >= 0.5 && r.height >= 0.5);
      if (!rects.length) { continue; }
      const word = match[0];
      const broken = lines(rects) > 1 && !element.closest(ADDRESS);
      if (broken && !brokenSeen.has(word + describe(element))) {
        brokenSeen.add(word + describe(element));
        problems.push(`word broken across lines: ${JSON.stringify(word)} in ${describe(element)}`);
      }
      for (const rect of rects) {
        fragments.push({rect, node, text: word, element});
        const clipper = clippedBy(rect, element);
        if (clipper) {
          problems.push(`clipped by ${clipper}: ${JSON.stringify(word)} in ${describe(element)}`);
        }
      }
    }
  }
  // Pictures and controls are cut off as badly as text.
  const boxes = "img, svg, button, input, select, textarea, iframe, video";
  for (const element of document.body.querySelectorAll(boxes)) {
    if (element.closest(HIDDEN) || !visible(element)) { continue; }
    const rect = element.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) { continue; }
    const clipper = clippedBy(rect, element);
    if (clipper) { problems.push(`clipped by ${clipper}: ${describe(element)}`); }
  }

  // A text area shows all of its text, without scrolling inside a small box.
  for (const area of document.body.querySelectorAll("textarea")) {
    if (visible(area) && area.scrollHeight > area.clientHeight + 1) {
      problems.push(`text area cuts off its text: ${describe(area)} shows ${area.clientHeight}`
                    + ` of ${area.scrollHeight} px`);
    }
  }

  // 2. No two text fragments of different text nodes overlap (more than a sliver: the
  // glyph boxes of tight lines touch).
  fragments.sort((a, b) => a.rect.top - b.rect.top);
  const overlapSeen = new Set();
  for (let i = 0; i < fragments.length; i++) {
    const a = fragments[i];
    for (let j = i + 1; j < fragments.length; j++) {
      const b = fragments[j];
      if (b.rect.top >= a.rect.bottom) { break; }
      if (a.node === b.node) { continue; }
      const width = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const height = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (width > 2 && height > 0.25 * Math.min(a.rect.height, b.rect.height)) {
        const key = describe(a.element) + "|" + describe(b.element);
        if (overlapSeen.has(key)) { continue; }
        overlapSeen.add(key);
        problems.push(`text overlaps text: ${JSON.stringify(a.text)} in ${describe(a.element)}`
                      + ` and ${JSON.stringify(b.text)} in ${describe(b.element)}`);
      }
    }
  }
  return problems.slice(0, options.limit);
}"""

# The largest computed font size (px) of an element whose own text is exactly `text`.
_FONT_SIZE_OF = r"""(text) => {
  const wanted = text.replace(/\s+/g, " ").trim();
  let size = 0;
  for (const element of document.body.querySelectorAll("*")) {
    if (element.textContent.replace(/\s+/g, " ").trim() !== wanted) { continue; }
    if (!element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) { continue; }
    size = Math.max(size, parseFloat(getComputedStyle(element).fontSize));
  }
  return size;
}"""


def layout_problems(page, limit: int = 20) -> list[str]:
    """What looks broken on the page as it is now: words broken across lines, text over
    text, text or pictures cut off by a box (or a window) that hides its overflow, a text
    area too small for its text."""
    # Fonts and pictures change the layout as they arrive; animations end where they settle.
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate("""() => Promise.all(document.getAnimations().map((animation) => {
        animation.finish(); return true; }))""")
    return page.evaluate(_PROBLEMS, {"limit": limit})


def font_size_of(page, text: str) -> float:
    """The computed font size (px) of the visible element showing exactly `text`; 0 if none."""
    return page.evaluate(_FONT_SIZE_OF, text)


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    """Keep a screenshot of the page as the test saw it, under SCREENSHOTS/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
