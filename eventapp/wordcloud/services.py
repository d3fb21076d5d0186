"""The rules of word clouds: setting one up, answering once and anonymously, mixing the
answers, hiding one, and the words the screen draws.

Who answered is a keyed hash (`voter_key`); what they answered waits in `cloud_inbox` and
is moved into `cloud_answers` in shuffled batches under new random ids, as ballots are
(awards/mixing.py), so that a reader of the database pairs neither by xmin nor by physical
order. Only mixed answers are seen (by the moderator and on the screen): they appear in
batches of BALLOT_MIX_BATCH, and closing takes in the rest.
"""

import hashlib
import hmac
import logging
import random
import secrets
from collections import Counter
from dataclasses import asdict
from functools import partial

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..awards.mixing import erase_traces
from ..database import after_commit, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..events.models import Event
from ..extensions import db
from ..registration.models import Registration, RegistrationStatus
from . import drawing
from .models import CloudAnswer, CloudInboxAnswer, CloudParticipation, CloudStatus, WordCloud

log = logging.getLogger(__name__)

MAX_WORDS = 3
WORD_LENGTH = 30
QUESTION_LENGTH = 200
DRAWN_KEPT = 64  # clouds kept drawn per process


class AlreadyAnswered(Conflict):
    default_message = _l("You have answered this question already.")


class CloudNotOpen(Conflict):
    default_message = _l("This question takes no answers now.")


class NotConfirmed(Forbidden):
    default_message = _l("Only participants with a confirmed place can answer.")


def clouds_of(event: Event) -> list[WordCloud]:
    """The event's word clouds, newest first."""
    return list(db.session.scalars(select(WordCloud).where(WordCloud.event_id == event.id)
                                   .order_by(WordCloud.id.desc())))


def get_cloud(event: Event, cloud_id: int) -> WordCloud:
    """The event's word cloud with this id; NotFound for another event's."""
    cloud = db.session.get(WordCloud, cloud_id)
    if cloud is None or cloud.event_id != event.id:
        raise NotFound()
    return cloud


def open_cloud_of(event: Event) -> WordCloud | None:
    """The question participants answer now: the newest open one."""
    return db.session.scalar(select(WordCloud).where(
        WordCloud.event_id == event.id, WordCloud.status == CloudStatus.OPEN)
        .order_by(WordCloud.id.desc()).limit(1))


def create_cloud(actor, event: Event, question: str, max_words: int) -> WordCloud:
    """A new word cloud, as a draft."""
    if not 1 <= max_words <= MAX_WORDS:
        raise InvalidInput()
    with write_transaction():
        cloud = WordCloud(event_id=event.id, question=question.strip()[:QUESTION_LENGTH],
                          max_words=max_words, status=CloudStatus.DRAFT)
        db.session.add(cloud)
        db.session.flush()
        record(actor, "wordcloud.create", event.id, cloud=cloud.id)
    return cloud


def _step(actor, cloud: WordCloud, before: CloudStatus, after: CloudStatus) -> None:
    changed = db.session.execute(
        update(WordCloud).where(WordCloud.id == cloud.id, WordCloud.status == before)
        .values(status=after).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise Conflict()
    record(actor, f"wordcloud.{after}", cloud.event_id, cloud=cloud.id)


def open_cloud(actor, cloud: WordCloud) -> None:
    """Start taking answers (one conditional UPDATE: two clicks open it once)."""
    with write_transaction():
        _step(actor, cloud, CloudStatus.DRAFT, CloudStatus.OPEN)


def close_cloud(actor, cloud: WordCloud) -> None:
    """Stop taking answers; every waiting answer is mixed in, and the traces erased.

    The answers' UPDATE of the cloud row holds it until they commit, so closing waits for
    those in flight, and a later one finds the cloud closed.
    """
    with write_transaction():
        _step(actor, cloud, CloudStatus.OPEN, CloudStatus.CLOSED)
        _mix(cloud.id, minimum=0, at_close=True)
        after_commit(partial(erase_traces, "cloud_inbox, cloud_answers"))


def voter_key(cloud_id: int, user_id: int) -> str:
    """Who answered, as only the app (holding the secret key) can compute it."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"wordcloud:{cloud_id}:{user_id}".encode(),
                    hashlib.sha256).hexdigest()


def has_answered(cloud: WordCloud, registration: Registration) -> bool:
    """Whether the person answered (the app computes their hash; nothing else tells)."""
    return db.session.get(CloudParticipation,
                          (cloud.id, voter_key(cloud.id, registration.user_id))) is not None


def clean_words(cloud: WordCloud, entries: list[str]) -> list[str]:
    """The answer's words: trimmed, inner spaces collapsed, repeats dropped; InvalidInput
    for none, too many or too long."""
    words, seen = [], set()
    for entry in entries:
        word = " ".join((entry or "").split())
        if not word or word.casefold() in seen:
            continue
        if len(word) > WORD_LENGTH:
            raise InvalidInput(_l("A word may have at most %(n)d characters.", n=WORD_LENGTH))
        seen.add(word.casefold())
        words.append(word)
    if not words:
        raise InvalidInput(_l("Please enter at least one word."))
    if len(words) > cloud.max_words:
        raise InvalidInput(_l("Please enter at most %(n)d words.", n=cloud.max_words))
    return words


def answer(registration: Registration, cloud_id: int, entries: list[str]) -> None:
    """Take one answer of a participant with a confirmed place, once, while the cloud is open.

    The mark and the answer are written together (an answer shown as taken is counted);
    every BALLOT_MIX_BATCH-th answer then mixes the inbox in a transaction of its own.
    """
    cloud = get_cloud(registration.event, cloud_id)
    words = clean_words(cloud, entries)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotConfirmed()
    try:
        with write_transaction(expire_on_commit=False):
            counted = db.session.execute(
                update(WordCloud).where(WordCloud.id == cloud.id,
                                        WordCloud.status == CloudStatus.OPEN)
                .values(answers_count=WordCloud.answers_count + 1)
                .returning(WordCloud.answers_count))
            number = counted.scalar()
            if number is None:
                raise CloudNotOpen()
            db.session.execute(insert(CloudParticipation).values(
                cloud_id=cloud.id, voter=voter_key(cloud.id, registration.user_id)))
            db.session.execute(insert(CloudInboxAnswer).values(
                id=secrets.token_hex(16), cloud_id=cloud.id, words=words))
    except IntegrityError:
        raise AlreadyAnswered() from None
    if number % current_app.config["BALLOT_MIX_BATCH"] == 0:
        _mix_after_answer(cloud.id)


def _mix_after_answer(cloud_id: int) -> None:
    """Mix a full batch; a failure costs nothing (the answers wait for the next batch)."""
    try:
        with write_transaction(expire_on_commit=False):
            _mix(cloud_id, minimum=current_app.config["BALLOT_MIX_BATCH"])
    except Exception:
        log.exception("Mixing the answers of word cloud %s failed; they wait", cloud_id)


def _mix(cloud_id: int, minimum: int, at_close: bool = False) -> None:
    """Move the waiting answers (if at least `minimum` wait) into cloud_answers, shuffled,
    under new random ids, in the caller's transaction. At the close the earlier batches are
    taken in too and all written anew in one random order, so nothing tells them apart."""
    inbox, answers = CloudInboxAnswer.__table__, CloudAnswer.__table__
    waiting = db.session.scalar(select(func.count()).select_from(inbox)
                                .where(inbox.c.cloud_id == cloud_id))
    if not at_close and waiting < minimum:
        return
    # On PostgreSQL a concurrent mixer's DELETE waits for this one and then finds nothing.
    moving = [(words, False) for (words,) in db.session.execute(
        delete(inbox).where(inbox.c.cloud_id == cloud_id).returning(inbox.c.words))]
    if at_close:
        moving += [tuple(row) for row in db.session.execute(
            delete(answers).where(answers.c.cloud_id == cloud_id)
            .returning(answers.c.words, answers.c.hidden))]
    if not moving:
        return
    random.SystemRandom().shuffle(moving)
    db.session.execute(insert(answers), [
        {"id": secrets.token_hex(16), "cloud_id": cloud_id, "words": words, "hidden": hidden}
        for words, hidden in moving])
    db.session.execute(update(WordCloud).where(WordCloud.id == cloud_id)
                       .values(version=WordCloud.version + 1)
                       .execution_options(synchronize_session=False))


def answers_of(cloud: WordCloud) -> list[CloudAnswer]:
    """The mixed answers, for the moderator (in the mixed order: nothing tells who or when)."""
    return list(db.session.scalars(select(CloudAnswer).where(CloudAnswer.cloud_id == cloud.id)
                                   .order_by(CloudAnswer.id)))


def set_hidden(actor, cloud: WordCloud, answer_id: str, hidden: bool) -> None:
    """Hide an answer from the screen (or show it again)."""
    with write_transaction():
        changed = db.session.execute(
            update(CloudAnswer).where(CloudAnswer.id == answer_id,
                                      CloudAnswer.cloud_id == cloud.id,
                                      CloudAnswer.hidden.is_not(hidden))
            .values(hidden=hidden).execution_options(synchronize_session=False))
        if changed.rowcount != 1:
            raise NotFound()
        db.session.execute(update(WordCloud).where(WordCloud.id == cloud.id)
                           .values(version=WordCloud.version + 1)
                           .execution_options(synchronize_session=False))
        record(actor, "wordcloud.hide" if hidden else "wordcloud.show", cloud.event_id,
               cloud=cloud.id)


def drawn_words(cloud: WordCloud) -> list[dict]:
    """The cloud as the screen draws it (placed words as dicts), laid out once per version
    and process: every screen and stage page asks for the same, and counting the answers
    anew for each would make a request's cost grow with them."""
    drawn = current_app.extensions.setdefault("word_clouds_drawn", {})
    key = (cloud.id, cloud.version)
    if key not in drawn:
        if len(drawn) >= DRAWN_KEPT:
            drawn.clear()
        drawn[key] = [asdict(word) for word in drawing.layout(word_counts(cloud))]
    return drawn[key]


def word_counts(cloud: WordCloud) -> list[tuple[str, int]]:
    """The words of the visible answers with how often they were given, most first; words
    that differ only in case are one, spelt as most gave it."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for (words,) in db.session.execute(select(CloudAnswer.words).where(
            CloudAnswer.cloud_id == cloud.id, CloudAnswer.hidden.is_(False))):
        for word in words:
            key = word.casefold()
            counts[key] += 1
            spellings.setdefault(key, Counter())[word] += 1
    return sorted(((spellings[key].most_common(1)[0][0], count)
                   for key, count in counts.items()), key=lambda pair: (-pair[1], pair[0]))
