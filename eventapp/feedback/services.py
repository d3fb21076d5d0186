"""The rules of the feedback survey: setting it up, mailing it once after the meeting to
those who were there, answering once through a single-use link, closing after its days, and
the averages, distributions and export.

Nothing links an answer to a person: a link's token row names no one (the tokens of all
recipients are written in one transaction in a random order, not in the mails' order),
answering deletes it, and the answer is a new row with a random id and no time. The link
itself is readable in the mail's body until the worker has sent it, as every mailed link is.
"""

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, update

from ..audit.services import record
from ..breakouts.services import sessions_by_slot
from ..certificates.services import attendees
from ..database import utcnow, write_transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..events.models import AgendaKind, Event
from ..exports.tables import to_csv
from ..extensions import db
from ..mailing import jobs
from ..mailing.compose import external_url
from ..mailing.models import MailJob
from ..mailing.queue import compose_rows
from ..speakers.models import Speaker
from ..speakers.services import speakers_of
from .models import FeedbackAnswer, FeedbackSurvey, FeedbackToken

MAIL_KIND = "feedback"
SCALE = range(1, 6)
ANSWER_LENGTH = 2000
NOT_RATED = (AgendaKind.BREAK, AgendaKind.BREAKOUTS)


class MeetingNotOver(Conflict):
    default_message = _l("The survey can be mailed once the meeting is over.")


class SurveyMailed(Conflict):
    default_message = _l("The survey of this meeting has been mailed already.")


class NoSurvey(Conflict):
    default_message = _l("Set up the survey first.")


class SurveyClosed(Conflict):
    default_message = _l("This survey is closed. Thank you all the same.")


class LinkUsed(NotFound):
    default_message = _l("This link has been used already, or it does not exist.")


@dataclass(frozen=True)
class Rating:
    """What was rated (the meeting, an agenda item, a breakout session) and how."""

    key: str
    label: str
    count: int
    average: float | None
    distribution: list[int]  # how many gave 1, 2, 3, 4, 5


def survey_of(event: Event) -> FeedbackSurvey | None:
    """The meeting's survey, if the organiser set one up."""
    return db.session.get(FeedbackSurvey, event.id)


def save_survey(actor, event: Event, question_1: str, question_2: str, days_open: int,
                presenters_see_ratings: bool) -> None:
    """Set up the survey, or change it (its days only until it is mailed)."""
    if not 1 <= days_open <= 90:
        raise InvalidInput()
    with write_transaction():
        survey = db.session.get(FeedbackSurvey, event.id)
        if survey is None:
            survey = FeedbackSurvey(event_id=event.id)
            db.session.add(survey)
        survey.question_1, survey.question_2 = question_1.strip(), question_2.strip()
        if survey.closes_at is None:
            survey.days_open = days_open
        survey.presenters_see_ratings = presenters_see_ratings
        record(actor, "feedback.survey", event.id)


def rated_items(event: Event) -> list[tuple[str, str]]:
    """What participants rate besides the meeting: its agenda items (not breaks) and its
    breakout sessions, in the programme's order, as (key, label)."""
    items = [(f"a{item.id}", item.title) for item in event.agenda_items
             if item.kind not in NOT_RATED]
    for _slot, sessions in sessions_by_slot(event):
        items += [(f"s{session.id}", session.title) for session in sessions]
    return items


def send_survey(actor, event: Event) -> None:
    """Mail the survey to everyone who was there, once; it closes `days_open` days later."""
    survey = survey_of(event)
    if survey is None:
        raise NoSurvey()
    if event.ends_at > utcnow():
        raise MeetingNotOver()
    with write_transaction():
        started = db.session.execute(
            update(FeedbackSurvey).where(FeedbackSurvey.event_id == event.id,
                                         FeedbackSurvey.closes_at.is_(None))
            .values(closes_at=utcnow() + timedelta(days=survey.days_open))
            .execution_options(synchronize_session=False))
        if started.rowcount != 1:
            raise SurveyMailed()
        jobs.queue_job(actor, event, MAIL_KIND)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_links(event: Event, count: int) -> list[str]:
    """`count` new single-use tokens for the survey, stored (hashed) in a random order, so
    that the rows' order tells nothing of the order of the mails that carry them."""
    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    hashes = [_hash(token) for token in tokens]
    random.SystemRandom().shuffle(hashes)
    if hashes:
        with write_transaction(expire_on_commit=False):
            db.session.execute(insert(FeedbackToken), [
                {"token_hash": token_hash, "event_id": event.id} for token_hash in hashes])
    return tokens


@jobs.maker(MAIL_KIND)
def _make_survey_mails(job: MailJob) -> list[dict]:
    event = db.session.get(Event, job.event_id)
    if event is None:
        return []
    people = [registration.user for registration in attendees(event)]
    tokens = dict(zip([user.id for user in people], issue_links(event, len(people)),
                      strict=True))
    return compose_rows(
        event, MAIL_KIND, people, _l("Your feedback on %(title)s", title=event.title),
        "feedback",
        context_for=lambda user: {
            "survey_url": external_url("feedback.answer", token=tokens[user.id])},
        closes_at=survey_of(event).closes_at)


def survey_for(token: str) -> tuple[Event, FeedbackSurvey]:
    """The meeting and survey a link is for; LinkUsed if unknown or spent, SurveyClosed."""
    row = db.session.get(FeedbackToken, _hash(token[:100]))
    if row is None:
        raise LinkUsed()
    survey = db.session.get(FeedbackSurvey, row.event_id)
    if survey is None or survey.closes_at is None or survey.closes_at <= utcnow():
        raise SurveyClosed()
    return db.session.get(Event, row.event_id), survey


def answer(token: str, meeting: int | None, ratings: dict[str, int], answer_1: str,
           answer_2: str) -> None:
    """Take one filled-in survey and spend the link (a conditional DELETE: once)."""
    event, _survey = survey_for(token)
    keys = {key for key, _label in rated_items(event)}
    ratings = {key: value for key, value in ratings.items() if value is not None}
    if set(ratings) - keys or any(value not in SCALE for value in ratings.values()) or (
            meeting is not None and meeting not in SCALE):
        raise InvalidInput()
    with write_transaction():
        spent = db.session.execute(delete(FeedbackToken).where(
            FeedbackToken.token_hash == _hash(token[:100])))
        if spent.rowcount != 1:
            raise LinkUsed()
        db.session.execute(insert(FeedbackAnswer).values(
            id=secrets.token_hex(16), event_id=event.id, meeting=meeting, ratings=ratings,
            answer_1=answer_1.strip()[:ANSWER_LENGTH], answer_2=answer_2.strip()[:ANSWER_LENGTH]))


def _rating(key: str, label: str, values: list[int]) -> Rating:
    return Rating(key, label, len(values), sum(values) / len(values) if values else None,
                  [values.count(score) for score in SCALE])


def results(event: Event) -> tuple[list[Rating], list[tuple[str, str]]]:
    """The ratings (the meeting first, then each item) and the open answers (pairs)."""
    answers = list(db.session.scalars(select(FeedbackAnswer).where(
        FeedbackAnswer.event_id == event.id).order_by(FeedbackAnswer.id)))
    ratings = [_rating("meeting", str(_l("The meeting as a whole")),
                       [a.meeting for a in answers if a.meeting is not None])]
    ratings += [_rating(key, label, [a.ratings[key] for a in answers if key in a.ratings])
                for key, label in rated_items(event)]
    return ratings, [(a.answer_1, a.answer_2) for a in answers if a.answer_1 or a.answer_2]


def speaker_token(speaker: Speaker) -> str:
    """The secret of a speaker's link to the ratings of their own items: a keyed hash of the
    profile (nothing stored; a new secret key voids it, as it voids printed tickets)."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(),
                    f"feedback-speaker:{speaker.id}".encode(), hashlib.sha256).hexdigest()[:32]


def speaker_links(event: Event) -> list[tuple[Speaker, str]]:
    """Each speaker of the meeting with the link to their own items' ratings."""
    return [(speaker, external_url("feedback.speaker_ratings", slug=event.slug,
                                   speaker_id=speaker.id, token=speaker_token(speaker)))
            for speaker in speakers_of(event)]


def speaker_ratings(event: Event, speaker: Speaker, token: str) -> list[Rating]:
    """The ratings of the agenda items a speaker speaks in, for the link the organiser gave
    them; NotFound unless the link is right and the organiser shares the ratings."""
    survey = survey_of(event)
    if (speaker.event_id != event.id or survey is None or not survey.presenters_see_ratings
            or not hmac.compare_digest(token, speaker_token(speaker))):
        raise NotFound()
    theirs = {f"a{item.id}" for item in speaker.agenda_items}
    return [rating for rating in results(event)[0] if rating.key in theirs]


def export_csv(actor, event: Event) -> bytes:
    """The ratings per item as CSV (average, count, and how many gave 1 to 5); audited."""
    ratings, _open = results(event)
    with write_transaction():
        record(actor, "export.feedback", event.id)
    return to_csv([str(_l("Rated")), str(_l("Answers")), str(_l("Average")), "1", "2", "3",
                   "4", "5"],
                  [[rating.label, rating.count,
                    f"{rating.average:.2f}" if rating.average is not None else "",
                    *rating.distribution] for rating in ratings])
