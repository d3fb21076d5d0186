"""Receipts: the code each voter gets once, to find their ballot in the published result.

10 symbols of an alphabet without look-alikes (0/O, 1/I/L), i.e. 50 random bits; vote cards
(cards.py) draw their codes from the same alphabet.
"""

import secrets

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10
# What a receipt looks like, for the hint where people type theirs (no real one: a made-up
# code of the alphabet, not a run of it such as ABCDE-23456).
RECEIPT_EXAMPLE = "K7QMW-3XRPT"


def new_receipt() -> str:
    """A fresh receipt code, in its printed form (ABCDE-FGHJK)."""
    # One draw of the whole code, its symbols the number's digits in base 31: one call to
    # the system's random source per vote instead of one per symbol.
    number = secrets.randbelow(len(RECEIPT_ALPHABET) ** RECEIPT_LENGTH)
    symbols = []
    for _ in range(RECEIPT_LENGTH):
        number, digit = divmod(number, len(RECEIPT_ALPHABET))
        symbols.append(RECEIPT_ALPHABET[digit])
    code = "".join(symbols)
    return f"{code[:5]}-{code[5:]}"


def normalise_receipt(code: str) -> str:
    """A receipt as typed by a person (any case, spaces, missing hyphen) in its printed form."""
    symbols = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(symbols) != RECEIPT_LENGTH:
        return ""
    return f"{symbols[:5]}-{symbols[5:]}"
