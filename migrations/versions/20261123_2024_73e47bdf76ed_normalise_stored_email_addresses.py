"""normalise stored email addresses

Brings every stored address into the form auth.services.normalise_email gives new ones:
ASCII (punycode) domain, NFC local part, lower case. The rule is copied here, not
imported, so that this migration keeps doing what it did when the app changes.

An address that does not parse (an anonymised "anonymous-<id>@invalid") stays as it is.
When two accounts turn out to be one mailbox, the one that already has the normalised
form (else the older one) gets it, and the other keeps its old spelling: merging them is
a decision about registrations and votes that a migration cannot make. The other one is
then no longer found by its address (no sign-in link, no new registration under it); the
links it was mailed keep working until they expire. Each such account is logged.

Revision ID: 73e47bdf76ed
Revises: ad7c6fed4e10
Create Date: 2026-11-23 20:24:12.345678

"""
import logging

import sqlalchemy as sa
from alembic import op
from email_validator import EmailNotValidError, validate_email

# revision identifiers, used by Alembic.
revision = '73e47bdf76ed'
down_revision = 'ad7c6fed4e10'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _normalised(email: str) -> str | None:
    try:
        address = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return f"{address.local_part.lower()}@{address.ascii_domain.lower()}"


def upgrade():
    connection = op.get_bind()
    users = connection.execute(sa.text("SELECT id, email FROM users ORDER BY id")).all()
    taken = {email for _id, email in users}
    for user_id, email in users:
        normalised = _normalised(email)
        if normalised is None or normalised == email:
            continue
        if normalised in taken:
            log.warning("users %s: %s is the same mailbox as an older account; left as it is",
                        user_id, email)
            continue
        connection.execute(sa.text("UPDATE users SET email = :email WHERE id = :id"),
                           {"email": normalised, "id": user_id})
        taken.add(normalised)


def downgrade():
    pass  # the old spellings are not kept; the normalised ones work with the old code too
