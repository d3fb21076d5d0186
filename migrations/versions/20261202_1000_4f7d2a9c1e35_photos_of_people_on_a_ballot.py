"""photos of people on a ballot

A people-award's options carry a photo (re-encoded PNG), its version and whether it has one.

Revision ID: 4f7d2a9c1e35
Revises: 9b5906cb0a8f
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f7d2a9c1e35'
down_revision = '9b5906cb0a8f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('poll_options', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_png', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('photo_version', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('has_photo', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('poll_options', schema=None) as batch_op:
        batch_op.drop_column('has_photo')
        batch_op.drop_column('photo_version')
        batch_op.drop_column('photo_png')
