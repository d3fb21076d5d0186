"""bulk mail jobs

"Mail the voting link to everyone" is one row of mail_jobs (once per kind and poll) that the
mail worker turns into one queued mail per person; each such mail names its job.

Revision ID: 7c1e5a9d3b20
Revises: c92e5a7f1d83
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d3b20'
down_revision = 'c92e5a7f1d83'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('poll_id', sa.Integer(), nullable=True),
        sa.Column('claimed_by', sa.String(length=32), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('done', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'poll_id'),
    )
    with op.batch_alter_table('mail_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_jobs_event_id'), ['event_id'], unique=False)
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outgoing_mails_job_id'), ['job_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mails_job_id'))
        batch_op.drop_column('job_id')
    with op.batch_alter_table('mail_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_jobs_event_id'))
    op.drop_table('mail_jobs')
