"""meeting each other: topics, the opt-in list, meeting requests

Revision ID: f8a1d3c5e7b9
Revises: e5b2c7d9a1f3
Create Date: 2026-12-07 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f8a1d3c5e7b9'
down_revision = 'e5b2c7d9a1f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_topics',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('topics', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'participant_profiles',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('offers', sa.String(length=300), nullable=False),
        sa.Column('looks_for', sa.String(length=300), nullable=False),
        sa.Column('topics', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id'),
    )
    with op.batch_alter_table('participant_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_profiles_event_id'), ['event_id'],
                              unique=False)
    op.create_table(
        'meeting_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recipient_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sender_id', 'recipient_id'),
    )
    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_requests_event_id'), ['event_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_requests_recipient_id'), ['recipient_id'],
                              unique=False)


def downgrade():
    op.drop_table('meeting_requests')
    op.drop_table('participant_profiles')
    op.drop_table('meeting_topics')
