"""audience questions: settings per event, questions, upvotes

Revision ID: a7c4e2f9b1d3
Revises: e7f9b1d3a5c2
Create Date: 2026-12-07 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e2f9b1d3'
down_revision = 'e7f9b1d3a5c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('open', sa.Boolean(), nullable=False),
        sa.Column('moderated', sa.Boolean(), nullable=False),
        sa.Column('naming', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author_name', sa.String(length=80), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('upvotes', sa.Integer(), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('upvotes >= 0', name='ck_questions_upvotes'),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['merged_into_id'], ['questions.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_status'), ['status'], unique=False)
    op.create_table(
        'question_upvotes',
        sa.Column('token', sa.LargeBinary(length=32), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token'),
    )
    with op.batch_alter_table('question_upvotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_upvotes_question_id'), ['question_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('question_upvotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_upvotes_question_id'))
    op.drop_table('question_upvotes')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_status'))
        batch_op.drop_index(batch_op.f('ix_questions_event_id'))
    op.drop_table('questions')
    op.drop_table('question_settings')
