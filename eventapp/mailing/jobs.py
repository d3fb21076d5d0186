"""Bulk mail as one job for the worker: the organiser's request inserts one row of mail_jobs
(once per kind and poll: a second click finds it), and `flask mail deliver` makes the mails
(one per person, rendered in their language) and then sends them like any queued mail.

So 900 mails cost the request one INSERT, not seconds of rendering during the vote.

The feature that owns a kind registers what its job makes (`maker(kind)`): mailing sits
below the features and knows none of them. Making is claimed with a conditional UPDATE and
a random token; the mails and the job's `total` are written in one transaction only while
the claim still holds, so two workers, or a worker that died halfway and the one that takes
its claim over after JOB_CLAIM_MINUTES, never make a job's mails twice.
"""

import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..database import utcnow, write_transaction
from ..extensions import db
from .models import MailJob, MailStatus, OutgoingMail

JOB_CLAIM_MINUTES = 10

# kind -> function(job) that returns the rows of the mails to queue (queue.compose_rows).
_MAKERS: dict[str, Callable[[MailJob], list[dict]]] = {}


def maker(kind: str):
    """Register the function that makes the mails of a job of this kind."""
    def register(function):
        _MAKERS[kind] = function
        return function
    return register


def queue_job(actor, event, kind: str, poll_id: int | None = None) -> tuple[MailJob, bool]:
    """The job of this kind for the poll: (job, True) when this call queued it (recorded in
    the audit log), (the existing job, False) when it was queued before."""
    existing = _job_of(kind, poll_id)
    if existing is not None:
        return existing, False
    try:
        with write_transaction():
            job = MailJob(event_id=event.id, kind=kind, poll_id=poll_id)
            db.session.add(job)
            db.session.flush()
            record(actor, f"mail.{kind}", event.id, poll=poll_id)
    except IntegrityError:  # a second click at the same moment: the first one's job
        return _job_of(kind, poll_id), False
    return job, True


def _job_of(kind: str, poll_id: int | None) -> MailJob | None:
    if poll_id is None:
        return None
    return db.session.scalar(select(MailJob).where(MailJob.kind == kind,
                                                   MailJob.poll_id == poll_id))


def run_jobs(limit: int = 5) -> int:
    """Make the mails of up to `limit` waiting jobs; returns how many jobs were made."""
    made = 0
    for _ in range(limit):
        job_id, token = _claim()
        if job_id is None:
            break
        job = db.session.get(MailJob, job_id)
        rows = _MAKERS[job.kind](job) if job.kind in _MAKERS else []
        with write_transaction():
            finished = db.session.execute(
                update(MailJob).where(MailJob.id == job_id, MailJob.claimed_by == token,
                                      MailJob.done.is_(False))
                .values(done=True, total=len(rows))
                .execution_options(synchronize_session=False))
            if finished.rowcount == 1 and rows:
                db.session.execute(insert(OutgoingMail), [{**row, "job_id": job_id}
                                                          for row in rows])
        db.session.expire_all()
        made += 1
    return made


def _claim() -> tuple[int | None, str | None]:
    """Claim one job to make (a waiting one, or one whose maker died); (id, token)."""
    token, now = secrets.token_hex(16), utcnow()
    stale = now - timedelta(minutes=JOB_CLAIM_MINUTES)
    with write_transaction():
        job_id = db.session.scalar(
            select(MailJob.id).where(MailJob.done.is_(False),
                                     or_(MailJob.claimed_at.is_(None),
                                         MailJob.claimed_at < stale))
            .order_by(MailJob.id).limit(1))
        if job_id is None:
            return None, None
        claimed = db.session.execute(
            update(MailJob).where(MailJob.id == job_id, MailJob.done.is_(False),
                                  or_(MailJob.claimed_at.is_(None), MailJob.claimed_at < stale))
            .values(claimed_by=token, claimed_at=now)
            .execution_options(synchronize_session=False))
    return (job_id, token) if claimed.rowcount == 1 else (None, None)


def job_progress(kind: str, poll_id: int | None) -> dict | None:
    """How far the job of this kind for the poll has come: {"made": bool, "total", "sent",
    "failed"}, or None when there is none."""
    job = _job_of(kind, poll_id)
    if job is None:
        return None
    counts = dict(db.session.execute(
        select(OutgoingMail.status, func.count()).where(OutgoingMail.job_id == job.id)
        .group_by(OutgoingMail.status)).all())
    return {"made": job.done, "total": job.total or 0,
            "sent": counts.get(MailStatus.SENT, 0), "failed": counts.get(MailStatus.FAILED, 0)}
