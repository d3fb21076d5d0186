"""`flask mail deliver`; `flask mail remind` joins the group from meeting_mails/cli.py."""

import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..faults import is_transient
from .jobs import run_jobs
from .send import deliver_queued

mail_cli = AppGroup("mail", help="Deliver queued mail; queue reminders.")


@mail_cli.command("deliver")
@click.option("--batch", default=50, show_default=True, help="Mails per SMTP connection.")
@click.option("--loop", is_flag=True, help="Keep running, looking for new mail every 5 s.")
def deliver_command(batch: int, loop: bool) -> None:
    """Send queued mail in batches (failed batches are retried with back-off)."""
    while True:
        try:
            run_jobs()  # bulk mails first become one queued mail per person
            sent, failed = deliver_queued(batch)
        except SQLAlchemyError as error:
            if not (loop and is_transient(error)):
                raise
            # A database restart must not end the worker. A batch it claimed but could not
            # record as sent stays queued and goes out (once more) at its next attempt.
            click.echo(f"database unavailable, trying again: {str(error).splitlines()[0]}",
                       err=True)
            sent, failed = 0, 0
        if sent or failed:
            click.echo(f"sent {sent}, failed {failed}")
        if not sent:  # nothing (more) to send right now
            if not loop:
                break
            time.sleep(5)

