"""Name badges: a PDF of A4 label sheets (2 × 4 labels of 105 × 74 mm) for everyone with a
place, each label with the name, the organisation, the guest category and the ticket's QR
code, the same one the check-in desk scans."""

import re
import warnings

import segno
from fpdf import FPDF
from sqlalchemy import select

from eventapp.audit.models import AuditLog
from eventapp.certificates.pdf import FONT, add_fonts
from eventapp.checkin.services import registration_of_ticket
from eventapp.database import write_transaction
from eventapp.exports import badges
from eventapp.extensions import db
from eventapp.invitations.models import GuestCategory
from eventapp.registration.services import cancel
from eventapp.registration.tickets import ticket_code


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_a_badge_carries_the_ticket_the_desk_scans(create_event, register):
    event = create_event()
    press = register(event, name="Zoë Ångström", organisation="Westfälische Rundschau")
    with write_transaction():
        press.category = GuestCategory.PRESS
    register(event, name="Ben Błażej", organisation="Südwind AG")

    ben, zoe = badges.badges_of(event)  # by name
    assert ben.lines() == ["Ben Błażej", "Südwind AG", ""]
    assert zoe.lines() == ["Zoë Ångström", "Westfälische Rundschau", "Presse"]
    assert zoe.ticket == ticket_code(press)
    assert registration_of_ticket(event, zoe.ticket) == press
    assert zoe.qr.matrix == segno.make(ticket_code(press), error="m").matrix


def test_organiser_prints_eight_labels_a_page_of_who_has_a_place(client, auth, create_event,
                                                                  register):
    event = create_event()
    people = [register(event, name=f"Ωμέγα Łukasz Çelik {n}", organisation="Netz")
              for n in range(10)]
    cancel(people[0])
    auth.login_organiser()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font would warn
        response = client.get(f"/organiser/events/{event.slug}/badges.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and _pages(response.data) == 2  # 9 = 8 + 1
    assert b"/PrintScaling /None" in response.data  # printed at actual size
    assert "private" in response.headers["Cache-Control"]
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export.badges")).one()
    assert entry.event_id == event.id


def test_no_badges_without_people(client, auth, create_event):
    event = create_event()
    auth.login_organiser()
    response = client.get(f"/organiser/events/{event.slug}/badges.pdf")
    assert response.status_code == 409
    assert "keine Namensschilder" in response.get_data(as_text=True)


def test_a_long_name_shrinks_to_fit_its_label(app):
    pdf = FPDF(format="A4")
    pdf.add_page()
    add_fonts(pdf)
    name = "Prof. Dr. Maximiliane Wilhelmine von Hohenzollern-Sigmaringen-Oberbürgermeisterin"
    size, lines = badges._fitted(pdf, name, badges.TEXT_WIDTH, "B", 20, 11, 2)
    assert size < 20 and len(lines) == 2
    pdf.set_font(FONT, "B", size)
    assert all(pdf.get_string_width(line) <= badges.TEXT_WIDTH for line in lines)
    pdf.output()  # closes the font files


class _Paper:
    """Records the squares a QR code is drawn with."""

    def __init__(self):
        self.rects = []

    def rect(self, x, y, w, h, style):
        self.rects.append((x, y, w, h))


def test_the_printed_squares_are_the_codes_modules():
    qr = segno.make("a ticket's code", error="m")
    paper = _Paper()
    badges._qr(paper, qr, 10, 20)
    size = len(qr.matrix)
    module = badges.QR_SIZE / (size + 4)
    drawn = [[0] * size for _ in range(size)]
    for x, y, w, _h in paper.rects:
        row, first = round((y - 20) / module) - 2, round((x - 10) / module) - 2
        for column in range(first, first + round(w / module)):
            drawn[row][column] = 1
    assert drawn == [[int(bool(dark)) for dark in row] for row in qr.matrix]
