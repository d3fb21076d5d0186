"""ranked breakout choices and their allocation

A meeting's way of giving breakout seats (first come, or ranked by a deadline and allocated
by the organiser), and each participant's ranking of a slot's sessions.

Revision ID: e5b2c7d9a1f3
Revises: c3d8f1a2b6e4
Create Date: 2026-12-07 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b2c7d9a1f3'
down_revision = 'c3d8f1a2b6e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'breakout_allocations',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('deadline', sa.DateTime(), nullable=True),
        sa.Column('seed', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'breakout_rankings',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('slot_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['breakout_sessions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['slot_id'], ['agenda_items.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id', 'session_id'),
        sa.UniqueConstraint('registration_id', 'slot_id', 'rank'),
    )
    with op.batch_alter_table('breakout_rankings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breakout_rankings_session_id'), ['session_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_breakout_rankings_slot_id'), ['slot_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('breakout_rankings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breakout_rankings_slot_id'))
        batch_op.drop_index(batch_op.f('ix_breakout_rankings_session_id'))
    op.drop_table('breakout_rankings')
    op.drop_table('breakout_allocations')
