"""Being there: checked in at the desk, holding a vote card, present on the stage page.

Each mark is one conditional UPDATE of the registration, so two desks (or two tabs) at once
mark it once. The vote (awards/eligibility.py) reads them.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from ..database import utcnow, write_transaction
from ..extensions import db
from .models import DeskQueue, Registration
from .signals import checked_in


def mark_card_received(registration: Registration) -> bool:
    """Note that a checked-in person received a vote card; False if they had one already or
    have not checked in. Joins the caller's transaction."""
    done = db.session.execute(
        update(Registration).where(Registration.id == registration.id,
                                   Registration.checked_in_at.is_not(None),
                                   Registration.vote_card_received.is_(False))
        .values(vote_card_received=True).execution_options(synchronize_session=False))
    db.session.refresh(registration)
    return done.rowcount == 1


def mark_checked_in(registration: Registration) -> bool:
    """Mark the person as arrived; False if they were checked in already.

    One conditional UPDATE, so two desks scanning the same ticket at once check it in once.
    Joins the caller's transaction; the registration is read again afterwards.
    """
    with write_transaction():
        done = db.session.execute(
            update(Registration).where(Registration.id == registration.id,
                                       Registration.checked_in_at.is_(None))
            .values(checked_in_at=utcnow()).execution_options(synchronize_session=False))
        db.session.refresh(registration)
        if done.rowcount == 1:
            checked_in.send(registration)
    return done.rowcount == 1


def mark_present_online(registration: Registration) -> bool:
    """Mark the participant as present on the stage page; False if they were already.
    Joins the caller's transaction."""
    done = db.session.execute(
        update(Registration).where(Registration.id == registration.id,
                                   Registration.present_online.is_(False))
        .values(present_online=True).execution_options(synchronize_session=False))
    db.session.expire(registration, ["present_online"])
    return done.rowcount == 1


# A desk that has not reported for this long is switched off or gone: its queue no longer
# counts as waiting.
DESK_REPORT_LIFETIME = timedelta(minutes=30)


def report_desk_queue(event_id: int, desk: str, waiting: int) -> None:
    """Note how many check-ins this desk still holds (one row per desk, the latest report)."""
    with write_transaction(expire_on_commit=False):
        values = {"waiting": waiting, "reported_at": utcnow()}
        updated = db.session.execute(
            update(DeskQueue).where(DeskQueue.event_id == event_id, DeskQueue.desk == desk)
            .values(**values).execution_options(synchronize_session=False))
        if updated.rowcount == 0:
            db.session.add(DeskQueue(event_id=event_id, desk=desk, **values))


@dataclass(frozen=True)
class WaitingAtDesks:
    check_ins: int
    desks: int


def waiting_at_desks(event_id: int) -> WaitingAtDesks:
    """Check-ins still waiting at the desks that reported lately, and how many desks those are."""
    waiting, desks = db.session.execute(
        select(func.coalesce(func.sum(DeskQueue.waiting), 0), func.count())
        .where(DeskQueue.event_id == event_id,
               DeskQueue.reported_at > utcnow() - DESK_REPORT_LIFETIME)).one()
    return WaitingAtDesks(check_ins=waiting, desks=desks)
