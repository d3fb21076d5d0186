"""polls among all finalists: their options follow the finalists while a draft

Revision ID: a4f6c8e0b2d1
Revises: f8a1d3c5e7b9
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4f6c8e0b2d1'
down_revision = 'f8a1d3c5e7b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('polls') as batch:
        batch.add_column(sa.Column('all_finalists', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
    # The drafts set up without choosing finalists (they had no options until they opened)
    # get their options when a finalist changes or they open.
    op.execute("UPDATE polls SET all_finalists = true WHERE kind = 'finalists' "
               "AND status = 'draft' AND parent_id IS NULL AND NOT EXISTS "
               "(SELECT 1 FROM poll_options WHERE poll_options.poll_id = polls.id)")


def downgrade():
    with op.batch_alter_table('polls') as batch:
        batch.drop_column('all_finalists')
