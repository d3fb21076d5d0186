"""`flask users ...`: account administration from the shell."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from ..errors import DomainError
from .services import create_organiser

users_cli = AppGroup("users", help="Manage user accounts.")


def _email_address(_ctx, _param, value: str) -> str:
    # The login form's check: an address it refuses would make an account nobody can use.
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error)) from error
    return value


@users_cli.command("create-organiser")
@click.argument("email", callback=_email_address)
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Password (asked for when not given).")
def create_organiser_command(email: str, name: str, password: str) -> None:
    """Create an organiser account (or give an existing user organiser rights)."""
    try:
        user = create_organiser(email, password, name)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Organiser {user.email} is ready; sign in at /auth/login.")
