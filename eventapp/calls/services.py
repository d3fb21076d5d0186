"""The call for finalists: setting it up, applying, the jury and its scores, the ranking, and
turning the shortlist into finalists.

Who may judge an event is decided in `may_judge` alone: the event's jury role (networks/roles.py).
Who may organise the call is declared on its routes (`events.access.event_role_required`).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import User
from ..auth.services import find_user_by_email, normalise_email
from ..awards import finalists as awards
from ..awards.models import DEFAULT_PITCH_SECONDS, Finalist
from ..database import utcnow, write_transaction
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..events.models import Event, EventStatus
from ..extensions import db
from ..images import reencode_logo
from ..mailing.compose import external_url
from ..mailing.queue import queue_mail, queue_mails
from ..mailing.send import ensure_deliverable
from ..networks.access import event_capabilities, event_role_of
from ..networks.models import EventRole
from ..networks.roles import remove_event_role, set_event_role, staff_of
from .models import ApplicationStatus, Call, CallApplication, JuryScore
from .signals import application_received

log = logging.getLogger(__name__)

MAX_QUESTIONS = 20
MAX_CRITERIA = 20
MAX_WEIGHT = 100
MAX_POINTS = 100
DEFAULT_WEIGHT = 1
DEFAULT_POINTS = 10
MAX_ANSWER_LENGTH = 5000


class CallNotFound(NotFound):
    default_message = _l("There is no call for finalists for this event.")


class CallClosed(Conflict):
    default_message = _l("The call for finalists is closed.")


class CallNotOpenYet(Conflict):
    default_message = _l("The call for finalists is not open yet.")


class ScoringClosed(Conflict):
    default_message = _l("Scoring is closed; the scores can no longer be changed.")


class FinalistsChosen(Conflict):
    default_message = _l("The finalists of this call have been chosen already.")


class NotAJuror(Forbidden):
    default_message = _l("You are not on the jury of this event.")


@dataclass(frozen=True)
class _Recipient:
    """Whom a mail about an application goes to: the account of its contact address if there
    is one (their name and language, and the mail belongs to their data), else the address."""

    email: str
    locale: str
    name: str
    id: int | None
    application: CallApplication | None = None
    locale_chosen: bool = True  # the language they applied in, whatever the meeting's


@dataclass(frozen=True)
class RankedApplication:
    application: CallApplication
    average: float | None  # the weighted score out of 100, averaged over the jurors
    count: int  # how many jurors scored it


# --- the call -----------------------------------------------------------------------------


def call_of(event: Event) -> Call | None:
    """The event's call for finalists, or None."""
    return db.session.scalar(select(Call).where(Call.event_id == event.id))


def get_call(event: Event) -> Call:
    """The event's call for finalists; CallNotFound if it has none."""
    call = call_of(event)
    if call is None:
        raise CallNotFound()
    return call


def is_open(call: Call, now: datetime | None = None) -> bool:
    """Whether applications are taken now: from the opening (if any) until the deadline."""
    now = now or utcnow()
    return (call.opens_at is None or call.opens_at <= now) and now < call.deadline


def ensure_open(call: Call) -> None:
    """CallNotOpenYet or CallClosed (with the date) unless applications are taken now."""
    now = utcnow()
    if call.opens_at is not None and now < call.opens_at:
        raise CallNotOpenYet(_l("The call for finalists opens on %(date)s.",
                                date=format_datetime(call.opens_at, "short")))
    if now >= call.deadline:
        raise CallClosed(_l("The call for finalists closed on %(date)s; applications are no "
                            "longer accepted.", date=format_datetime(call.deadline, "short")))


def parse_questions(text: str) -> list[str]:
    """The extra questions of the form, one per line of `text` (empty lines skipped)."""
    questions = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(_l("At most %(num)d questions.", num=MAX_QUESTIONS))
    if any(len(question) > 500 for question in questions):
        raise InvalidInput(_l("A question may be at most 500 characters long."))
    return questions


def parse_criteria(text: str) -> list[dict]:
    """The scoring criteria, one per line: "name | weight | maximum points" (weight and
    maximum may be left out: 1 and 10)."""
    criteria = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3 or not parts[0] or len(parts[0]) > 200:
            raise InvalidInput(_l("Line %(line)d: write a criterion as \"name | weight | "
                                  "maximum points\".", line=number))
        try:
            weight = int(parts[1]) if len(parts) > 1 and parts[1] else DEFAULT_WEIGHT
            points = int(parts[2]) if len(parts) > 2 and parts[2] else DEFAULT_POINTS
        except ValueError as error:
            raise InvalidInput(_l("Line %(line)d: weight and maximum points are whole "
                                  "numbers.", line=number)) from error
        if not 1 <= weight <= MAX_WEIGHT or not 1 <= points <= MAX_POINTS:
            raise InvalidInput(_l("Line %(line)d: weight and maximum points lie between 1 and "
                                  "%(max)d.", line=number, max=MAX_POINTS))
        criteria.append({"name": parts[0], "weight": weight, "max": points})
    if not criteria:
        raise InvalidInput(_l("Please name at least one scoring criterion."))
    if len(criteria) > MAX_CRITERIA:
        raise InvalidInput(_l("At most %(num)d criteria.", num=MAX_CRITERIA))
    for number, criterion in enumerate(criteria, start=1):
        criterion["key"] = f"c{number}"
    return criteria


def questions_text(call: Call | None) -> str:
    """The questions as the organiser's form shows them."""
    return "\n".join(call.questions) if call else ""


def criteria_text(call: Call | None) -> str:
    """The criteria as the organiser's form shows them."""
    if call is None:
        return ""
    return "\n".join(f"{c['name']} | {c['weight']} | {c['max']}" for c in call.criteria)


def save_call(actor, event: Event, *, opens_at: datetime | None, deadline: datetime,
              intro: str, questions: str, criteria: str) -> Call:
    """Open (or change) the event's call; the criteria stay as they are once a juror scored."""
    if opens_at is not None and deadline <= opens_at:
        raise InvalidInput(_l("The deadline must lie after the opening."))
    parsed_questions = parse_questions(questions)
    parsed_criteria = parse_criteria(criteria)
    with write_transaction():
        call = call_of(event)
        created = call is None
        if created:
            call = Call(event_id=event.id)
            db.session.add(call)
        elif call.criteria != parsed_criteria and _has_scores(call):
            raise Conflict(_l("The jury has started scoring; the criteria can no longer be "
                              "changed."))
        call.opens_at, call.deadline, call.intro = opens_at, deadline, intro.strip()
        call.questions, call.criteria = parsed_questions, parsed_criteria
        db.session.flush()
        record(actor, "call.created" if created else "call.updated", event.id, call=call.id,
               deadline=deadline)
    return call


def _has_scores(call: Call) -> bool:
    return db.session.scalar(select(JuryScore.id).join(CallApplication).where(
        CallApplication.call_id == call.id).limit(1)) is not None


# --- applying -----------------------------------------------------------------------------


def apply(event: Event, *, organisation: str, project_title: str, summary: str,
          contact_name: str, contact_email: str, answers: list[str], consent: bool,
          logo: bytes | None = None, locale: str = "de") -> CallApplication:
    """Take an application while the call is open; the logo is checked and re-encoded first,
    so a refused one saves nothing. The contact is mailed a confirmation."""
    call = get_call(event)
    ensure_open(call)
    if not consent:
        raise InvalidInput(_l("Please agree to the processing of your data."))
    if not organisation.strip() or not project_title.strip() or not contact_name.strip():
        raise InvalidInput()
    ensure_deliverable(contact_email)
    email = normalise_email(contact_email)
    answers = [(answer or "").strip()[:MAX_ANSWER_LENGTH] for answer in answers]
    answers = (answers + [""] * len(call.questions))[:len(call.questions)]
    logo_png = reencode_logo(logo, current_app.config["LOGO_MAX_BYTES"]) if logo else None
    with write_transaction():
        application = CallApplication(
            call_id=call.id, organisation=organisation.strip(),
            project_title=project_title.strip(), summary=summary.strip(),
            contact_name=contact_name.strip(), contact_email=email, locale=locale,
            answers=answers, logo_png=logo_png, has_logo=logo_png is not None,
            status=ApplicationStatus.SUBMITTED)
        db.session.add(application)
        db.session.flush()
        application_received.send(application)
        queue_mail("call_received", _recipient(application), _l(
            "Your application to %(title)s", title=event.title), "call_received", event=event,
            application=application, call=call,
            event_url=external_url("events.show", slug=event.slug))
    return application


def _recipient(application: CallApplication) -> _Recipient:
    user = find_user_by_email(application.contact_email)
    if user is None:
        return _Recipient(application.contact_email, application.locale,
                          application.contact_name, None, application)
    return _Recipient(user.email, user.locale, user.name, user.id, application)


def applications_of(call: Call) -> list[CallApplication]:
    """The call's applications, oldest first."""
    return list(db.session.scalars(select(CallApplication).where(
        CallApplication.call_id == call.id).order_by(CallApplication.created_at,
                                                     CallApplication.id)))


def get_application(call: Call, application_id: int) -> CallApplication:
    """An application to this call."""
    application = db.session.get(CallApplication, application_id)
    if application is None or application.call_id != call.id:
        raise NotFound()
    return application


def application_logo(application: CallApplication) -> bytes:
    """An application's logo as PNG bytes; NotFound if it has none."""
    if not application.has_logo or application.logo_png is None:
        raise NotFound()
    return application.logo_png


# --- the jury -----------------------------------------------------------------------------


def may_judge(user, event: Event) -> bool:
    """Whether this user is on the jury of this event: holds its jury role (networks/), with a
    password or with a personal link (an outside expert may have no password)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return event_role_of(user, event) == EventRole.JURY


def ensure_may_judge(user, event: Event) -> None:
    """NotAJuror unless the user may judge this event; NotFound for a draft meeting in which
    the user holds no role, as for a slug that does not exist (a draft's existence is not
    told to outsiders, as the organiser's guard does)."""
    if not may_judge(user, event):
        if event.status == EventStatus.DRAFT and not event_capabilities(user, event):
            raise NotFound()
        raise NotAJuror()


def jurors_of(event: Event) -> list[User]:
    """The event's jury, by name."""
    return [staff.user for staff in staff_of(event) if staff.role == EventRole.JURY]


def add_juror(actor, event: Event, email: str) -> User:
    """Put the owner of an existing account on the event's jury."""
    user = find_user_by_email(email)
    if user is None:
        raise InvalidInput(_l("There is no account with this email address. The person needs "
                              "an account first (for example by registering for the event)."))
    if event_role_of(user, event) not in (None, EventRole.JURY):
        raise Conflict(_l("This person already has another role in this meeting."))
    with write_transaction():
        set_event_role(event, user, EventRole.JURY)
        record(actor, "call.juror_added", event.id, user=user.id)
    return user


def remove_juror(actor, event: Event, user_id: int) -> None:
    """Take someone off the event's jury; the scores they gave stay."""
    with write_transaction():
        if not remove_event_role(event, user_id, EventRole.JURY):
            raise NotFound()
        record(actor, "call.juror_removed", event.id, user=user_id)


# --- scores -------------------------------------------------------------------------------


def own_scores(call: Call, juror) -> dict[int, JuryScore]:
    """The juror's own scores for the call's applications, by application id."""
    rows = db.session.scalars(select(JuryScore).join(CallApplication).where(
        CallApplication.call_id == call.id, JuryScore.juror_id == juror.id))
    return {row.application_id: row for row in rows}


def own_score(application: CallApplication, juror) -> JuryScore | None:
    """The juror's own score row for an application, or None."""
    return db.session.scalar(select(JuryScore).where(
        JuryScore.application_id == application.id, JuryScore.juror_id == juror.id))


def scoring_open(call: Call) -> bool:
    """Whether jurors may still enter and change scores."""
    return not call.scoring_closed and call.decided_at is None


def save_scores(juror, event: Event, application: CallApplication, points: dict) -> JuryScore:
    """Store (or replace) the juror's score of each criterion for one application."""
    ensure_may_judge(juror, event)
    call = application.call
    if not scoring_open(call):
        raise ScoringClosed()
    scores = {}
    for criterion in call.criteria:
        value = points.get(criterion["key"])
        if not isinstance(value, int) or not 0 <= value <= criterion["max"]:
            raise InvalidInput(_l("Give %(name)s between 0 and %(max)d points.",
                                  name=criterion["name"], max=criterion["max"]))
        scores[criterion["key"]] = value
    try:
        with write_transaction():
            row = own_score(application, juror)
            if row is None:
                row = JuryScore(application_id=application.id, juror_id=juror.id)
                db.session.add(row)
            row.scores, row.updated_at = scores, utcnow()
    except IntegrityError as error:  # the same juror's two tabs at once
        raise Conflict() from error
    return row


def weighted_score(call: Call, scores: dict) -> float:
    """One juror's scores as one number out of 100: each criterion's share of its maximum,
    weighted."""
    total_weight = sum(c["weight"] for c in call.criteria)
    return 100 * sum(c["weight"] * scores.get(c["key"], 0) / c["max"]
                     for c in call.criteria) / total_weight


def set_scoring_closed(actor, call: Call, closed: bool) -> None:
    """Close scoring (the scores stand) or open it again."""
    if call.decided_at is not None:
        raise FinalistsChosen()
    with write_transaction():
        call.scoring_closed = closed
        record(actor, "call.scoring_closed" if closed else "call.scoring_reopened",
               call.event_id, call=call.id)


def ranking(call: Call) -> list[RankedApplication]:
    """The applications by their weighted score averaged over the jurors, best first; those
    without a score last."""
    per_application = defaultdict(list)
    for row in db.session.scalars(select(JuryScore).join(CallApplication).where(
            CallApplication.call_id == call.id)):
        per_application[row.application_id].append(weighted_score(call, row.scores))
    ranked = []
    for application in applications_of(call):
        values = per_application.get(application.id, [])
        ranked.append(RankedApplication(application, sum(values) / len(values) if values else None,
                                        len(values)))
    return sorted(ranked, key=lambda r: (r.average is None, -(r.average or 0)))


# --- finalists ----------------------------------------------------------------------------


def choose_finalists(actor, call: Call, application_ids) -> list[Finalist]:
    """Turn the shortlisted applications into finalists (in ranking order) and mail every
    applicant whether they are in; this happens once per call."""
    chosen = set(application_ids)
    if not chosen:
        raise InvalidInput(_l("Please select at least one application for the shortlist."))
    if call.decided_at is not None:
        raise FinalistsChosen()
    ranked = [r.application for r in ranking(call)]
    if chosen - {application.id for application in ranked}:
        raise NotFound()
    event = call.event
    finalists, accepted, declined = [], [], []
    with write_transaction():
        # Two organisers clicking at once: the conditional UPDATE lets one of them decide.
        decided = db.session.execute(
            update(Call).where(Call.id == call.id, Call.decided_at.is_(None))
            .values(decided_at=utcnow(), scoring_closed=True)
            .execution_options(synchronize_session=False))
        if decided.rowcount != 1:
            raise FinalistsChosen()
        for application in ranked:
            if application.status != ApplicationStatus.SUBMITTED:
                continue
            if application.id in chosen:
                finalist = awards.add_finalist(
                    actor, event, logo=application.logo_png if application.has_logo else None,
                    organisation=application.organisation,
                    project_title=application.project_title, summary=application.summary,
                    presenter=application.contact_name, pitch_order=None,
                    pitch_seconds=DEFAULT_PITCH_SECONDS)
                application.status = ApplicationStatus.ACCEPTED
                application.finalist_id = finalist.id
                finalists.append(finalist)
                accepted.append(_recipient(application))
            else:
                application.status = ApplicationStatus.DECLINED
                declined.append(_recipient(application))
        record(actor, "call.finalists_chosen", event.id, call=call.id,
               finalists=len(accepted), declined=len(declined))
        context = {"event_url": external_url("events.show", slug=event.slug)}
        if accepted:
            queue_mails(actor, event, "call_accepted", accepted,
                        _l("You are a finalist at %(title)s", title=event.title), "call_accepted",
                        context_for=lambda r: {"application": r.application}, **context)
        if declined:
            queue_mails(actor, event, "call_declined", declined,
                        _l("Your application to %(title)s", title=event.title), "call_declined",
                        context_for=lambda r: {"application": r.application}, **context)
    db.session.refresh(call)
    return finalists
