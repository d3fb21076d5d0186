"""speakers with profiles, rooms of agenda items and breakout sessions

Revision ID: a7c4e2f9b3d1
Revises: a4f6c8e0b2d1
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e2f9b3d1'
down_revision = 'a4f6c8e0b2d1'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get no room; new ones get theirs from the app.
    for table in ('agenda_items', 'breakout_sessions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('room', sa.String(length=200), server_default='',
                                          nullable=False))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('room', server_default=None)
    op.create_table(
        'speakers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=200), nullable=False),
        sa.Column('organisation', sa.String(length=300), nullable=False),
        sa.Column('bio', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('photo_png', sa.LargeBinary(), nullable=True),
        sa.Column('photo_version', sa.Integer(), nullable=False),
        sa.Column('has_photo', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speakers_event_id'), ['event_id'], unique=False)
    op.create_table(
        'agenda_item_speakers',
        sa.Column('agenda_item_id', sa.Integer(), nullable=False),
        sa.Column('speaker_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('agenda_item_id', 'speaker_id'),
    )
    with op.batch_alter_table('agenda_item_speakers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_speakers_speaker_id'), ['speaker_id'],
                              unique=False)


def downgrade():
    op.drop_table('agenda_item_speakers')
    op.drop_table('speakers')
    with op.batch_alter_table('breakout_sessions', schema=None) as batch_op:
        batch_op.drop_column('room')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('room')
