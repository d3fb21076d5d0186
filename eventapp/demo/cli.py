"""`flask seed ...`: demo data."""

import click
from flask.cli import AppGroup

from .seed import (
    DEMO_ORGANISER_EMAIL,
    DEMO_ORGANISER_PASSWORD,
    DEMO_STAFF,
    seed_demo,
    vote_demo,
)

seed_cli = AppGroup("seed", help="Load demo data.")


@seed_cli.command("demo")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day of the meeting (default: the next 20 October).")
@click.option("--participants", type=click.IntRange(0, 10_000), default=None,
              help="How many demo participants to register (default: 60).")
@click.option("--voted", is_flag=True,
              help="Also run the award vote: every participant votes, NIRO wins, revealed.")
def demo_command(on, participants, voted) -> None:
    """Build the go-cluster meeting of 2022 (does nothing if it exists already)."""
    event, created = seed_demo(on.date() if on else None, participants)
    click.echo(f"{'Created' if created else 'Already there:'} demo event {event.slug} "
               f"starting {event.starts_at:%Y-%m-%d %H:%M} UTC")
    if voted and vote_demo(event):
        click.echo("The award vote is over: results and hall of fame are published.")
    click.echo(f"Demo organiser: {DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}")
    for email, _name, role in DEMO_STAFF:
        click.echo(f"Demo {role.replace('_', '-')} staff: {email} / {DEMO_ORGANISER_PASSWORD}")
