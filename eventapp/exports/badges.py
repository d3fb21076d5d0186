"""Name badges on A4 label sheets, drawn by fpdf2: 2 × 4 labels of 105 × 74 mm, edge to
edge (Avery Zweckform 3483 and its equals), printed at actual size. Each label carries the
meeting, the name, the organisation, the guest category and the ticket's QR code, the very
code the check-in desk scans.

`badges_of` says what the labels say; `badges_pdf` draws them."""

from dataclasses import dataclass

import segno
from fpdf import FPDF, ViewerPreferences

from ..certificates.pdf import FONT, add_fonts
from ..events.models import Event
from ..invitations.models import category_label
from ..registration.services import confirmed_registrations
from ..registration.tickets import ticket_code, ticket_qr

COLUMNS, ROWS = 2, 4
LABEL_WIDTH, LABEL_HEIGHT = 105.0, 74.0  # mm; 2 × 105 = 210 and 4 × 74 = 296 fill an A4 page
PADDING = 7.0  # inside each label: most printers leave the sheet's outer 5 mm blank
QR_SIZE = 26.0  # the quiet zone included; about 0.8 mm a module for a ticket's code
TEXT_WIDTH = LABEL_WIDTH - 2 * PADDING
SIDE_WIDTH = TEXT_WIDTH - QR_SIZE - 3  # beside the QR code
GREY = (90, 90, 90)


@dataclass(frozen=True)
class Badge:
    name: str
    organisation: str
    category: str
    ticket: str  # the text inside the QR code, as on the ticket
    qr: segno.QRCode

    def lines(self) -> list[str]:
        """Every line of text on the label but the meeting (the tests read them)."""
        return [self.name, self.organisation, self.category]


def badges_of(event: Event) -> list[Badge]:
    """A badge for everyone with a place, by name."""
    people = sorted(confirmed_registrations(event), key=lambda r: r.user.name.casefold())
    return [Badge(name=registration.user.name, organisation=registration.user.organisation,
                  category=category_label(registration.category),
                  ticket=ticket_code(registration), qr=ticket_qr(registration))
            for registration in people]


def _fitted(pdf: FPDF, text: str, width: float, style: str, largest: float, smallest: float,
            max_lines: int) -> tuple[float, list[str]]:
    """The largest font size at which `text` takes at most `max_lines` lines of `width`,
    and those lines (cut after the last one if it is still too long at the smallest)."""
    size = largest
    while True:
        pdf.set_font(FONT, style, size)
        lines = pdf.multi_cell(width, size * 0.45, text, dry_run=True, output="LINES")
        if len(lines) <= max_lines or size <= smallest:
            return size, lines[:max_lines]
        size -= 1


def _text(pdf: FPDF, x: float, y: float, text: str, width: float, style: str,
          largest: float, smallest: float, max_lines: int) -> float:
    """Write `text` at (x, y) as large as fits; returns the y below it."""
    if not text:
        return y
    size, lines = _fitted(pdf, text, width, style, largest, smallest, max_lines)
    height = size * 0.45  # mm a line: 1.28 × the font size in points
    for number, line in enumerate(lines):
        pdf.set_xy(x, y + number * height)
        pdf.cell(width, height, line)
    return y + len(lines) * height


def _qr(pdf: FPDF, qr: segno.QRCode, x: float, y: float) -> None:
    """The QR code as filled squares (vector: sharp on any printer), a white border around."""
    matrix = qr.matrix
    module = QR_SIZE / (len(matrix) + 4)  # four modules of quiet zone, two each side
    for row_number, row in enumerate(matrix):
        top = y + (row_number + 2) * module
        start = None
        for column, dark in enumerate([*row, 0]):  # runs of dark modules as one rectangle
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                pdf.rect(x + (start + 2) * module, top, (column - start) * module, module,
                         style="F")
                start = None


def _label(pdf: FPDF, event: Event, badge: Badge, left: float, top: float) -> None:
    x, y = left + PADDING, top + PADDING
    pdf.set_text_color(*GREY)
    y = _text(pdf, x, y, event.title, TEXT_WIDTH, "", 8, 6, 1) + 2
    pdf.set_text_color(0, 0, 0)
    y = _text(pdf, x, y, badge.name, TEXT_WIDTH, "B", 20, 11, 2) + 2
    # Below the name the text keeps beside the QR code in the label's lower right corner.
    _text(pdf, x, y, badge.organisation, SIDE_WIDTH, "", 11, 8, 3)
    _text(pdf, x, top + LABEL_HEIGHT - PADDING - 5, badge.category.upper(), SIDE_WIDTH, "B",
          10, 7, 1)
    _qr(pdf, badge.qr, left + LABEL_WIDTH - PADDING - QR_SIZE,
        top + LABEL_HEIGHT - PADDING - QR_SIZE)


def badges_pdf(event: Event, badges: list[Badge]) -> bytes:
    """The labels, eight to an A4 page, left to right and top to bottom."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(event.title)
    # Asks the print dialogue for actual size: scaled to fit, the labels would miss the sheet.
    pdf.viewer_preferences = ViewerPreferences(print_scaling="None")
    add_fonts(pdf)
    per_page = COLUMNS * ROWS
    for number, badge in enumerate(badges):
        if number % per_page == 0:
            pdf.add_page()
        place = number % per_page
        _label(pdf, event, badge, (place % COLUMNS) * LABEL_WIDTH,
               (place // COLUMNS) * LABEL_HEIGHT)
    return bytes(pdf.output())
