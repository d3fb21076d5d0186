"""word clouds: questions, who answered (a keyed hash), the inbox and the mixed answers;
the live state shows a word cloud

Revision ID: d4e6a8c0b2f1
Revises: a4c6e8f0b2d1
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e6a8c0b2f1'
down_revision = 'a4c6e8f0b2d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'word_clouds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.String(length=200), nullable=False),
        sa.Column('max_words', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('answers_count', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('word_clouds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_word_clouds_event_id'), ['event_id'], unique=False)
    op.create_table(
        'cloud_participations',
        sa.Column('cloud_id', sa.Integer(), nullable=False),
        sa.Column('voter', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['cloud_id'], ['word_clouds.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cloud_id', 'voter'),
    )
    for table in ('cloud_inbox', 'cloud_answers'):
        columns = [sa.Column('id', sa.String(length=32), nullable=False),
                   sa.Column('cloud_id', sa.Integer(), nullable=False),
                   sa.Column('words', sa.JSON(), nullable=False)]
        if table == 'cloud_answers':
            columns.append(sa.Column('hidden', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
        op.create_table(
            table, *columns,
            sa.ForeignKeyConstraint(['cloud_id'], ['word_clouds.id'], ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id'),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_cloud_id'), ['cloud_id'], unique=False)
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('word_cloud_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_live_states_word_cloud_id_word_clouds'),
                                    'word_clouds', ['word_cloud_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_live_states_word_cloud_id_word_clouds'),
                                 type_='foreignkey')
        batch_op.drop_column('word_cloud_id')
    op.drop_table('cloud_answers')
    op.drop_table('cloud_inbox')
    op.drop_table('cloud_participations')
    op.drop_table('word_clouds')
