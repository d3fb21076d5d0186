"""meeting each other: the time the sender proposes for a meeting

Revision ID: b8d0f2a4c6e8
Revises: a7c4e2f9b1d3
Create Date: 2026-12-07 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c6e8'
down_revision = 'a7c4e2f9b1d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_requests') as batch:
        batch.add_column(sa.Column('meets_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_requests') as batch:
        batch.drop_column('meets_at')
