"""the offline desk: queued actions answered once, the queues desks report

Revision ID: a4c6e8f0b2d1
Revises: a7c4e2f9b1d6
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b2d1'
down_revision = 'a7c4e2f9b1d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'desk_actions',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=30), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('desk_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_actions_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_actions_registration_id'), ['registration_id'],
                              unique=False)
    op.create_table(
        'desk_queues',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('desk', sa.String(length=36), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.Column('reported_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', 'desk'),
    )


def downgrade():
    op.drop_table('desk_queues')
    op.drop_table('desk_actions')
