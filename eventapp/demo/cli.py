"""`flask seed ...`: demo data."""

import click
from flask.cli import AppGroup

from .seed import (
    DEMO_ORGANISER_EMAIL,
    DEMO_ORGANISER_PASSWORD,
    DEMO_STAFF,
    UPCOMING_SLUG,
    seed_demo,
)

seed_cli = AppGroup("seed", help="Load demo data.")


@seed_cli.command("demo")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day of the upcoming meeting (default: the next 20 October).")
@click.option("--participants", type=click.IntRange(0, 10_000), default=None,
              help="How many demo participants each meeting has (default: 60).")
@click.option("--voted", is_flag=True, hidden=True,
              help="Kept for old scripts: the 2022 meeting always has its result now.")
def demo_command(on, participants, voted) -> None:
    """Build the demo: the go-cluster meeting of 2022 with its result, and the network's next
    meeting open for registration (does nothing if they exist already)."""
    event, created = seed_demo(on.date() if on else None, participants)
    click.echo(f"{'Created' if created else 'Already there:'} demo event {event.slug} "
               f"starting {event.starts_at:%Y-%m-%d %H:%M} UTC (over, with its result) and "
               f"{UPCOMING_SLUG} (open for registration, its polls to try)")
    if created:
        click.echo("The award vote of 2022 is over: results and hall of fame are published.")
    click.echo(f"Demo organiser: {DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}")
    for email, _name, role in DEMO_STAFF:
        click.echo(f"Demo {role.replace('_', '-')} staff: {email} / {DEMO_ORGANISER_PASSWORD}")
