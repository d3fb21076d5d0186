"""The rules of audience questions: who may ask, upvoting once, moderation, what is public.

Every change the public sees (a question approved, answered, hidden or upvoted) counts the
live state's version up in the same transaction (live.services.touch), so screens, phones
and stage pages fetch it again as they do for every change of the show.
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..audit.services import record
from ..awards.cards import card_in_session
from ..database import write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..events.models import Event
from ..events.services import get_agenda_item
from ..extensions import db
from ..live import hooks
from ..live import services as live
from ..live.models import ScreenMode
from ..registration.models import Registration, RegistrationStatus
from .models import (
    PUBLIC_STATUSES,
    STATUS_LABELS,
    Naming,
    Question,
    QuestionSettings,
    QuestionStatus,
    QuestionUpvote,
)

#: how many questions the screen and the phones show at most (the most upvoted)
SHOWN = 30


class QuestionsClosed(Conflict):
    default_message = _l("Questions are closed for this meeting.")


class MayNotAsk(Forbidden):
    default_message = _l("Only the meeting's participants can ask and upvote: sign in with "
                         "your personal link or enter your vote card.")


class NameNeeded(InvalidInput):
    default_message = _l("Please give your name: this meeting takes questions with names.")


class NotPublic(NotFound):
    default_message = _l("This question is not shown.")


class CannotMerge(InvalidInput):
    default_message = _l("Choose another question of this meeting to merge it into.")


@dataclass(frozen=True)
class Asker:
    """Who asks or upvotes: `key` names a person or a card, and never leaves the process."""

    key: str


def settings_of(event: Event) -> QuestionSettings:
    """The event's settings for questions (the defaults until an organiser saved them)."""
    return db.session.get(QuestionSettings, event.id) or QuestionSettings(
        event_id=event.id, open=True, moderated=True, naming=Naming.NAMED_OR_ANONYMOUS)


def save_settings(actor, event: Event, *, open: bool, moderated: bool, naming: str) -> None:
    """Open or close questions, moderate them or not, and say whether askers give names."""
    with write_transaction():
        settings = db.session.get(QuestionSettings, event.id)
        if settings is None:
            settings = QuestionSettings(event_id=event.id)
            db.session.add(settings)
        settings.open, settings.moderated, settings.naming = open, moderated, Naming(naming)
        record(actor, "questions.settings", event.id, open=open, moderated=moderated,
               naming=naming)


def asker_in(event: Event, user) -> Asker | None:
    """Who may ask on this phone: the vote card it holds for the event (not voided), else the
    signed-in participant with a confirmed place; None for anyone else."""
    card = card_in_session(event)
    if card is not None and card.voided_at is None:
        return Asker(f"card:{card.id}")
    if user is not None and user.is_authenticated and db.session.scalar(
            select(Registration.id).where(
                Registration.event_id == event.id, Registration.user_id == user.id,
                Registration.status == RegistrationStatus.CONFIRMED)) is not None:
        return Asker(f"user:{user.id}")
    return None


def ask(event: Event, asker: Asker | None, text: str, name: str = "",
        item_id: int | None = None) -> Question:
    """Ask a question, named or anonymous as the event allows; without moderation it is
    shown at once. An anonymous question stores nothing of its asker."""
    if asker is None:
        raise MayNotAsk()
    settings = settings_of(event)
    if not settings.open:
        raise QuestionsClosed()
    name = name.strip() if settings.naming != Naming.ANONYMOUS else ""
    if settings.naming == Naming.NAMED and not name:
        raise NameNeeded()
    item = get_agenda_item(event, item_id) if item_id else None
    status = QuestionStatus.PENDING if settings.moderated else QuestionStatus.APPROVED
    with write_transaction():
        question = Question(event_id=event.id, agenda_item_id=item.id if item else None,
                            text=text.strip(), author_name=name or None, status=status,
                            upvotes=0)
        db.session.add(question)
        db.session.flush()  # its id, also inside a caller's transaction (the demo's)
        if status == QuestionStatus.APPROVED:
            live.touch(event)
    return question


def _token(question_id: int, asker: Asker) -> bytes:
    """The upvote's key: the same for one person and question, and without the app's secret
    key not to be told from chance nor linked to the person's other upvotes."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(),
                    f"question-upvote:{question_id}:{asker.key}".encode(),
                    hashlib.sha256).digest()


def _insert_upvote():
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(QuestionUpvote.__table__).on_conflict_do_nothing()


def upvote(event: Event, asker: Asker | None, question_id: int) -> bool:
    """Upvote a shown question once; True if this counted, False if the person had already.

    The upvote's primary key decides, not a lookup: many taps at once count once.
    """
    if asker is None:
        raise MayNotAsk()
    question = _question(event, question_id)
    if question.status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERING):
        raise NotPublic()
    with write_transaction(expire_on_commit=False):
        inserted = db.session.execute(
            _insert_upvote().values(token=_token(question.id, asker), question_id=question.id)
            .returning(QuestionUpvote.question_id)).scalar()
        if inserted is None:
            return False
        db.session.execute(update(Question).where(Question.id == question.id)
                           .values(upvotes=Question.upvotes + 1))
        live.touch(event)
    return True


def upvoted_by(asker: Asker | None, questions: list[Question]) -> set[int]:
    """Which of these questions the asker has upvoted."""
    if asker is None or not questions:
        return set()
    tokens = {_token(question.id, asker): question.id for question in questions}
    return {tokens[token] for token in db.session.scalars(
        select(QuestionUpvote.token).where(QuestionUpvote.token.in_(tokens)))}


def _question(event: Event, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound()
    return question


_ORDER = (case((Question.status == QuestionStatus.ANSWERING, 0),
               (Question.status == QuestionStatus.APPROVED, 1), else_=2),
          Question.upvotes.desc(), Question.id)


def public_questions(event: Event, item_id: int | None = None) -> list[Question]:
    """What the public sees, the one being answered first, then by upvotes (answered ones
    last); of one agenda item if given. Never a pending, hidden or merged question."""
    query = select(Question).where(Question.event_id == event.id,
                                   Question.status.in_(PUBLIC_STATUSES))
    if item_id is not None:
        query = query.where(Question.agenda_item_id == item_id)
    return list(db.session.scalars(query.order_by(*_ORDER).limit(SHOWN)))


def count_public(event: Event) -> int:
    """How many questions of the event the public sees."""
    return db.session.scalar(select(func.count()).select_from(Question).where(
        Question.event_id == event.id, Question.status.in_(PUBLIC_STATUSES)))


def moderation_list(event: Event) -> list[Question]:
    """Every question but the merged ones: the new ones first, then as the public sees them."""
    return list(db.session.scalars(
        select(Question).where(Question.event_id == event.id,
                               Question.status != QuestionStatus.MERGED)
        .order_by(Question.status != QuestionStatus.PENDING, *_ORDER)))


# step -> (the statuses it applies to, the status it gives)
STEPS = {
    "approve": ((QuestionStatus.PENDING, QuestionStatus.HIDDEN), QuestionStatus.APPROVED),
    "answer": ((QuestionStatus.PENDING, QuestionStatus.APPROVED, QuestionStatus.ANSWERED),
               QuestionStatus.ANSWERING),
    "answered": ((QuestionStatus.ANSWERING,), QuestionStatus.ANSWERED),
    "hide": ((QuestionStatus.PENDING, QuestionStatus.APPROVED, QuestionStatus.ANSWERING,
              QuestionStatus.ANSWERED), QuestionStatus.HIDDEN),
}


def moderate(actor, event: Event, question_id: int, step: str) -> None:
    """Approve, hide, answer now (the one answered before is then done) or mark answered.

    A conditional UPDATE: two moderators clicking at once change it once."""
    if step not in STEPS:
        raise NotFound()
    question = _question(event, question_id)
    before, after = STEPS[step]
    with write_transaction():
        if after == QuestionStatus.ANSWERING:  # one at a time is highlighted
            db.session.execute(
                update(Question).where(Question.event_id == event.id,
                                       Question.status == QuestionStatus.ANSWERING)
                .values(status=QuestionStatus.ANSWERED))
        changed = db.session.execute(
            update(Question).where(Question.id == question.id, Question.status.in_(before))
            .values(status=after)).rowcount
        if not changed:
            raise Conflict()
        record(actor, f"questions.{step}", event.id, question=question.id)
        live.touch(event)


def merge(actor, event: Event, question_id: int, into_id: int) -> None:
    """Merge a duplicate into another question: the duplicate disappears and its upvotes are
    added to the other's (a person who upvoted both then counts twice: upvotes cannot be told
    apart by person)."""
    question = _question(event, question_id)
    if into_id == question.id:
        raise CannotMerge()
    target = _question(event, into_id)
    if target.status in (QuestionStatus.MERGED, QuestionStatus.HIDDEN):
        raise CannotMerge()
    with write_transaction():
        moved = db.session.execute(
            update(Question).where(Question.id == question.id,
                                   Question.status != QuestionStatus.MERGED)
            .values(status=QuestionStatus.MERGED, merged_into_id=target.id)
            .returning(Question.upvotes)).scalar()
        if moved is None:
            raise Conflict()
        db.session.execute(update(Question).where(Question.id == target.id)
                           .values(upvotes=Question.upvotes + moved))
        record(actor, "questions.merge", event.id, question=question.id, into=target.id)
        live.touch(event)


def show_on_screen(actor, event: Event, item_id: int | None = None) -> None:
    """Put the questions (of an agenda item, or all of the meeting's) on the big screen."""
    live.show_questions(actor, event, item_id)


def export_rows(event: Event) -> list[dict]:
    """Every question but hidden and merged ones, with its upvotes, for the export."""
    return [{"agenda_item": question.agenda_item.title if question.agenda_item else "",
             "question": question.text, "name": question.author_name or "",
             "status": str(STATUS_LABELS[question.status]), "upvotes": question.upvotes}
            for question in db.session.scalars(
                select(Question).where(Question.event_id == event.id,
                                       Question.status.in_(PUBLIC_STATUSES))
                .order_by(Question.upvotes.desc(), Question.id))]


def public_data(question: Question) -> dict:
    """A question as the live state carries it."""
    return {"id": question.id, "text": question.text, "name": question.author_name,
            "upvotes": question.upvotes, "status": question.status}


@hooks.state_parts.connect
def _on_screen(event: Event, state) -> dict | None:
    """The questions the screen shows while it shows questions (live state's `questions`)."""
    if state.mode != ScreenMode.QUESTIONS:
        return None
    item = get_agenda_item(event, state.agenda_item_id) if state.agenda_item_id else None
    shown = [question for question in public_questions(event, item.id if item else None)
             if question.status != QuestionStatus.ANSWERED]
    return {"questions": {"item": item.title if item else None,
                          "list": [public_data(question) for question in shown]}}
