"""Spreadsheets that open cleanly in German Excel and LibreOffice, safely.

CSV: UTF-8 with BOM (so Excel detects the encoding), `;` as separator (German Excel's
list separator), CRLF line ends. Cells starting with = + - @ (or a tab or carriage return)
would be run as formulas by a spreadsheet; they get a leading apostrophe (OWASP's advice).
Excel files cannot hold most control characters: what is stored already (forms refuse them
now) shows as U+FFFD, the replacement character, as do bidirectional overrides in both.
"""

import csv
import io
import re
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from ..forms import BIDI_CONTROLS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
GERMAN_DATE_TIME = "DD.MM.YYYY HH:MM"


def safe_cell(value) -> str:
    """A cell value as text that no spreadsheet will run as a formula, and whose bidirectional
    overrides (stored before the forms refused them) cannot turn the text around."""
    text = "" if value is None else BIDI_CONTROL.sub("\ufffd", str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _xlsx_cell(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", safe_cell(value))


def to_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: list[list],
            date_format: str = GERMAN_DATE_TIME) -> bytes:
    """An Excel file; a datetime cell (naive, local time) is stored as a date, shown in
    `date_format`, so that a spreadsheet sorts and filters it as one."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit for sheet names
    sheet.append([_xlsx_cell(cell) for cell in header])
    for row in rows:
        sheet.append([cell if isinstance(cell, datetime) else _xlsx_cell(cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = date_format
    for index, _cell in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 24
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
