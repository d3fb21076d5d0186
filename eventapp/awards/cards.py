"""Vote cards: voting in the hall without a mailbox.

The organiser prints cards; each carries a QR code and a code a person can type, valid for
the polls of one event. The desk hands one to each person who checks in and records on the
registration only that they received a card, never which: the app cannot tell whose card
voted, so a card's vote is secret by construction. A card votes once per poll (the primary
key of card_participations, as a person's vote is one row of participations); its ballot
goes through the same inbox and mixer as every other (voting.py, mixing.py).

A card's code is not stored: it is derived from the app's secret key and the card's salt,
so that the organiser can print the cards again while a copy of the database alone lets
nobody vote with them; the database keeps its hash to find the card a code belongs to.
"""

import hashlib
import hmac
import secrets

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from sqlalchemy import func, select, update

from ..audit.services import record
from ..auth.sessions import session_user
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import Event
from ..extensions import db
from .eligibility import VoidedCard
from .models import VoteCard
from .receipts import RECEIPT_ALPHABET

# 18 symbols of 31 (no 0/O, 1/I/L): 89 random bits, typed in three groups of six.
CODE_LENGTH = 18
GROUP = 6
MAX_CARDS_AT_ONCE = 2000
MAX_CARD_NUMBER = 1_000_000  # per event: 500 batches, far more than any hall holds
# The card a phone scanned or typed, kept in its (signed) session: the holder knows the code.
SESSION_KEY = "vote_card"


class UnknownCard(NotFound):
    default_message = _l("This is not a vote card of this event. Please check the code.")


class NoSuchCardNumber(NotFound):
    default_message = _l("There is no vote card with this number.")


def _derive(card: VoteCard) -> str:
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(),
                      f"vote-card:{card.event_id}:{card.number}:{card.salt}".encode(),
                      hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    symbols = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(RECEIPT_ALPHABET))
        symbols.append(RECEIPT_ALPHABET[index])
    return "".join(symbols)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def code_of(card: VoteCard) -> str:
    """The card's code as printed: three groups of six."""
    code = _derive(card)
    return "-".join(code[i:i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise_code(typed: str) -> str:
    """A code as typed (any case, spaces, hyphens or none) in its plain form, or ''."""
    symbols = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(symbols) != CODE_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in symbols):
        return ""
    return symbols


def create_cards(actor, event: Event, count: int) -> list[VoteCard]:
    """Print `count` more cards for the event, numbered on from the last."""
    if not 1 <= count <= MAX_CARDS_AT_ONCE:
        raise InvalidInput(_l("Print between 1 and %(most)d cards at once.",
                              most=MAX_CARDS_AT_ONCE))
    with write_transaction():
        last = db.session.scalar(select(func.max(VoteCard.number))
                                 .where(VoteCard.event_id == event.id)) or 0
        if last + count > MAX_CARD_NUMBER:
            raise NumberOutOfRange()
        cards = [VoteCard(event_id=event.id, number=last + n, salt=secrets.token_hex(16))
                 for n in range(1, count + 1)]
        for card in cards:
            card.code_hash = _hash(_derive(card))
        db.session.add_all(cards)
        record(actor, "cards.printed", event.id, count=count, first=last + 1)
    return cards


class NumberOutOfRange(InvalidInput):
    default_message = _l("A vote card's number is at least 1 and at most %(most)d.",
                         most=MAX_CARD_NUMBER)


def sheet_numbers(first: int, last: int | None, per_sheet: int) -> range:
    """The numbers a printed sheet asks for: from `first` to `last` (one sheet if None), never
    more than one batch holds; NumberOutOfRange for a number no card can have (which could
    overflow the database's integer, too)."""
    if not 1 <= first <= MAX_CARD_NUMBER:
        raise NumberOutOfRange()
    last = first + per_sheet - 1 if last is None else last
    return range(first, max(first, min(last, first + MAX_CARDS_AT_ONCE - 1, MAX_CARD_NUMBER))
                 + 1)


def cards_of(event: Event, numbers: range | None = None) -> list[VoteCard]:
    """The event's cards in number order (only those numbered in `numbers` if given)."""
    query = select(VoteCard).where(VoteCard.event_id == event.id).order_by(VoteCard.number)
    if numbers is not None:
        query = query.where(VoteCard.number.between(numbers.start, numbers.stop - 1))
    return list(db.session.scalars(query))


def card_counts(event: Event) -> dict:
    row = db.session.execute(select(func.count(), func.count(VoteCard.voided_at))
                             .where(VoteCard.event_id == event.id)).one()
    return {"printed": row[0], "voided": row[1]}


def find_card(code: str) -> VoteCard:
    """The card a code belongs to (typed or scanned); refused if unknown or voided."""
    plain = normalise_code(code)
    card = db.session.scalar(select(VoteCard).where(VoteCard.code_hash == _hash(plain))) \
        if plain else None
    if card is None:
        raise UnknownCard()
    if card.voided_at is not None:
        raise VoidedCard()
    return card


def void_card(actor, event: Event, number: int) -> None:
    """A card reported lost no longer votes (its votes so far stay counted: nobody can tell
    them apart from the others, which is the point)."""
    with write_transaction():
        voided = db.session.execute(
            update(VoteCard).where(VoteCard.event_id == event.id, VoteCard.number == number,
                                   VoteCard.voided_at.is_(None))
            .values(voided_at=utcnow()).execution_options(synchronize_session=False))
        if voided.rowcount != 1:
            exists = db.session.scalar(select(VoteCard.id).where(
                VoteCard.event_id == event.id, VoteCard.number == number))
            if exists is None:
                raise NoSuchCardNumber()
            raise Conflict(_l("Card %(number)d was voided already.", number=number))
        record(actor, "cards.voided", event.id, number=number)


# --- the holder's phone ---------------------------------------------------------------------


def hold_card(event: Event | None, code: str) -> str:
    """Keep a scanned or typed card in this phone's session; the slug of its event. On an
    event's voting page (`event`), a card of another event is not one of its cards."""
    card = find_card(code)
    if event is not None and card.event_id != event.id:
        raise UnknownCard()
    session[SESSION_KEY] = normalise_code(code)
    return db.session.scalar(select(Event.slug).where(Event.id == card.event_id))


def meeting_of_code(code: str) -> str | None:
    """The slug of the event a code's card belongs to, voided or not; None if no card."""
    plain = normalise_code(code)
    return db.session.scalar(select(Event.slug).join(VoteCard, VoteCard.event_id == Event.id)
                             .where(VoteCard.code_hash == _hash(plain))) if plain else None


def card_in_session(event: Event) -> VoteCard | None:
    """The card this phone holds for the event (voided ones too: the ballot says so)."""
    code = session.get(SESSION_KEY)
    if not code:
        return None
    card = db.session.scalar(select(VoteCard).where(VoteCard.code_hash == _hash(code)))
    return card if card is not None and card.event_id == event.id else None


def voter_key() -> str:
    """Rate-limit key of a vote: the card this phone holds, else the user its session claims
    to be (not loaded, as by the vote), else the address (a hall shares one address, and its
    cards vote from it)."""
    code = session.get(SESSION_KEY)
    if code:
        return f"card:{_hash(code)[:16]}"
    person = session_user()
    return f"user:{person.id}" if person else get_remote_address()
