"""`flask mail remind`: a command of the `mail` group (mailing/cli.py), added by create_app."""

from datetime import timedelta

import click

from ..database import utcnow
from .services import queue_reminders


@click.command("remind")
@click.option("--days", default=1, show_default=True, help="Remind events starting this soon.")
def remind_command(days: int) -> None:
    """Queue the reminder (agenda and personal .ics) for events starting within DAYS."""
    count = queue_reminders(utcnow(), utcnow() + timedelta(days=days))
    click.echo(f"queued {count} reminders")
