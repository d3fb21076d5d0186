"""the dress rehearsal: a running rehearsal and what its phones and screens measured

Revision ID: a7c4e2f9b1d6
Revises: a7c4e2f9b3d1
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e2f9b1d6'
down_revision = 'a7c4e2f9b3d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rehearsals',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'rehearsal_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('ballot_ms', sa.Integer(), nullable=True),
        sa.Column('vote_ms', sa.Integer(), nullable=True),
        sa.Column('seen_ms', sa.Integer(), nullable=True),
        sa.Column('answer', sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['rehearsals.event_id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id', 'token'),
    )


def downgrade():
    op.drop_table('rehearsal_devices')
    op.drop_table('rehearsals')
