"""Reading a guest list's file (CSV or Excel) into numbered rows of cells, within bounds.

A list is at most a few thousand rows, but a file can claim anything: an .xlsx of 150 KB
unpacks to a million rows, a CSV of 4 MB holds two million lines. So reading stops as soon as
the list is known to be too long, and an .xlsx is measured before openpyxl opens it: the sizes
its zip directory declares (zipfile never unpacks more than those), then the number of XML
elements, which is what openpyxl's parsing costs (about 3 µs each). Every refusal is an
InvalidInput, answered in well under a second (issue 34, item 1).
"""

import csv
import io
import zipfile
import zlib

from flask_babel import lazy_gettext as _l

from ..errors import InvalidInput

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# A list of 5,000 rows with a dozen columns has about 300,000 tags ("<" in its XML).
MAX_XML_TAGS = 400_000
# Blank rows are skipped, but not without end: a sheet whose one row is its millionth.
BLANK_ROWS_PER_ROW = 10


class ListTooLong(InvalidInput):
    def __init__(self, max_rows: int):
        super().__init__(_l("A guest list may have at most %(num)d rows.", num=max_rows))


class FileTooLarge(InvalidInput):
    default_message = _l("This Excel file is too large for a guest list. Keep only the "
                         "columns name, email, organisation, category and language on its "
                         "first sheet, or save it as CSV.")


class FileUnreadable(InvalidInput):
    default_message = _l("This file could not be read as an Excel file (.xlsx).")


class CsvUnreadable(InvalidInput):
    default_message = _l("This file could not be read as a list (CSV): please check its "
                         "quotation marks.")


def numbered_rows(*, text: str = "", data: bytes | None = None, filename: str = "",
                  max_rows: int) -> list[tuple[int, list[str]]]:
    """The list's rows that are not blank, with their numbers as the file counts them and
    their cells stripped; ListTooLong as soon as there are more than `max_rows` (a header
    row comes on top)."""
    if data is not None:
        is_xlsx = filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"
        if is_xlsx:
            return _bounded(_rows_of_xlsx(data), max_rows)
        text = _decode(data)
    try:
        return _bounded(_rows_of_text(text or ""), max_rows)
    except csv.Error as error:  # a quote never closed makes one field of the rest
        raise CsvUnreadable() from error


def _bounded(rows, max_rows: int) -> list[tuple[int, list[str]]]:
    numbered = []
    for number, row in enumerate(rows, start=1):
        cells = ["" if cell is None else str(cell).strip() for cell in row]
        if any(cells):
            numbered.append((number, cells))
            if len(numbered) > max_rows + 1:  # the header, then one too many
                raise ListTooLong(max_rows)
        if number > (max_rows + 1) * BLANK_ROWS_PER_ROW:
            raise ListTooLong(max_rows)
    return numbered


def _rows_of_text(text: str):
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", "\t", ","), key=first.count)
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's CSV on German Windows


def _rows_of_xlsx(data: bytes):
    from openpyxl import load_workbook

    _check_xlsx_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 (any unreadable file is the same refusal)
        raise FileUnreadable() from error
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except Exception as error:  # noqa: BLE001 (a sheet that breaks off halfway, too)
        raise FileUnreadable() from error
    finally:
        workbook.close()


def _check_xlsx_size(data: bytes) -> None:
    """Refuse an .xlsx that unpacks to more than the limits, before anything parses it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                raise FileTooLarge()
            tags = 0
            for member in members:
                with archive.open(member) as unpacked:
                    while chunk := unpacked.read(1 << 16):
                        tags += chunk.count(b"<")
                        if tags > MAX_XML_TAGS:
                            raise FileTooLarge()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            OSError, RuntimeError) as error:  # RuntimeError: an encrypted member
        raise FileUnreadable() from error
