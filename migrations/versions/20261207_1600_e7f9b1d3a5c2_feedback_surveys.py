"""feedback after the meeting: surveys, single-use links (no person), answers (no person)

Revision ID: e7f9b1d3a5c2
Revises: d4e6a8c0b2f1
Create Date: 2026-12-07 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7f9b1d3a5c2'
down_revision = 'd4e6a8c0b2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback_surveys',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('question_1', sa.String(length=300), nullable=False),
        sa.Column('question_2', sa.String(length=300), nullable=False),
        sa.Column('days_open', sa.Integer(), nullable=False),
        sa.Column('presenters_see_ratings', sa.Boolean(), server_default=sa.false(),
                  nullable=False),
        sa.Column('closes_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'feedback_tokens',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_table(
        'feedback_answers',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('meeting', sa.Integer(), nullable=True),
        sa.Column('ratings', sa.JSON(), nullable=False),
        sa.Column('answer_1', sa.Text(), nullable=False),
        sa.Column('answer_2', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    for table in ('feedback_tokens', 'feedback_answers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_event_id'), ['event_id'], unique=False)


def downgrade():
    op.drop_table('feedback_answers')
    op.drop_table('feedback_tokens')
    op.drop_table('feedback_surveys')
