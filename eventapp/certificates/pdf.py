"""The certificate of attendance as one A4 page, drawn by fpdf2 with DejaVu Sans (it holds
every name we meet: ü, ç, ł, Greek, Cyrillic). The font comes from Debian's fonts-dejavu-core
(README, .ci/run); the setting CERTIFICATE_FONT_DIR points elsewhere.

`wording` says what the page says, in the reader's language; `certificate_pdf` draws it."""

import io
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext
from fpdf import FPDF

from ..breakouts.models import ChoiceStatus
from ..breakouts.services import choices_of
from ..events.models import AgendaKind
from ..networks.services import logo_of
from ..registration.models import Registration
from ..timespans import date_range, time_range

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVu"
GREY = (90, 90, 90)


@dataclass(frozen=True)
class Wording:
    title: str
    certifies: str
    name: str
    organisation: str
    took_part_in: str
    meeting: str
    when_where: str
    organised_by: str
    programme_heading: str
    programme: list[tuple[str, str]]
    signer: str
    signer_for: str
    code_line: str

    def lines(self) -> list[str]:
        """Every line of text on the page (the tests read them)."""
        programme = [part for when, what in self.programme for part in (when, what)]
        return [self.title, self.certifies, self.name, self.organisation, self.took_part_in,
                self.meeting, self.when_where, self.organised_by, self.programme_heading,
                *programme, self.signer, self.signer_for, self.code_line]


def _programme(registration: Registration) -> list[tuple[str, str]]:
    """(time, what) of each agenda item but the breaks; a breakout slot names the session the
    person held a seat in."""
    seats = {slot_id: choice.session.title for slot_id, choice in
             choices_of(registration.id).items() if choice.status == ChoiceStatus.SEATED}
    lines = []
    for item in registration.event.agenda_items:
        if item.kind == AgendaKind.BREAK:
            continue
        title = item.title
        if item.id in seats:
            title = gettext("%(slot)s: breakout “%(session)s”", slot=item.title,
                            session=seats[item.id])
        lines.append((time_range(item.starts_at, item.ends_at), title))
    return lines


def wording(registration: Registration, code: str, signer: str, locale: str,
            verify_url: str) -> Wording:
    """What the certificate says, in `locale`."""
    event, user = registration.event, registration.user
    network = event.network
    with force_locale(locale):
        # At the venue when the desk checked them in, else on the stage page.
        place = event.venue if registration.checked_in_at is not None and event.venue \
            else gettext("online")
        return Wording(
            title=gettext("Certificate of attendance"),
            certifies=gettext("This certifies that"), name=user.name,
            organisation=user.organisation, took_part_in=gettext("took part in"),
            meeting=event.title,
            when_where=f"{date_range(event.starts_at, event.ends_at)} · {place}",
            organised_by=gettext("organised by %(network)s", network=network.name),
            programme_heading=gettext("Programme"), programme=_programme(registration),
            signer=signer, signer_for=gettext("for %(network)s", network=network.name),
            code_line=gettext("Certificate code %(code)s. Check it at %(url)s", code=code,
                              url=verify_url))


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def add_fonts(pdf: FPDF) -> None:
    """DejaVu Sans, regular and bold, as FONT (the name badges use it too)."""
    folder = Path(current_app.config.get("CERTIFICATE_FONT_DIR", FONT_DIR))
    pdf.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))


def _document() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(20, 20, 20)
    add_fonts(pdf)
    return pdf


def _line(pdf: FPDF, text: str, size: float, height: float, style: str = "") -> None:
    if text:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def certificate_pdf(registration: Registration, words: Wording) -> bytes:
    network = registration.event.network
    colour = _rgb(network.colour)
    pdf = _document()
    pdf.set_title(words.title)
    pdf.set_author(network.name)
    pdf.add_page()
    pdf.set_fill_color(*colour)
    pdf.rect(0, 0, 210, 12, style="F")
    if network.has_logo:
        pdf.image(io.BytesIO(logo_of(network)), x=150, y=20, h=22, keep_aspect_ratio=True)
    pdf.set_y(50)
    pdf.set_text_color(*colour)
    _line(pdf, words.title, 26, 14, "B")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    _line(pdf, words.certifies, 12, 7)
    _line(pdf, words.name, 20, 12, "B")
    _line(pdf, words.organisation, 12, 7)
    pdf.ln(3)
    _line(pdf, words.took_part_in, 12, 7)
    _line(pdf, words.meeting, 16, 9, "B")
    _line(pdf, words.when_where, 12, 7)
    _line(pdf, words.organised_by, 12, 7)
    if words.programme:
        pdf.ln(5)
        _line(pdf, words.programme_heading, 12, 8, "B")
        for when, what in words.programme:
            pdf.set_text_color(*GREY)
            _line(pdf, when, 10, 5)
            pdf.set_text_color(0, 0, 0)
            _line(pdf, what, 10, 5)
            pdf.ln(1)
    pdf.ln(10)
    pdf.set_draw_color(*colour)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 70, pdf.get_y())
    pdf.ln(2)
    _line(pdf, words.signer, 12, 7)
    pdf.set_text_color(*GREY)
    _line(pdf, words.signer_for, 9, 5)
    pdf.ln(6)
    _line(pdf, words.code_line, 9, 5)
    return bytes(pdf.output())
