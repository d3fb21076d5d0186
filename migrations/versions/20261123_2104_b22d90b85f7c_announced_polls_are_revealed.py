"""announced polls are revealed

A poll now goes announced → revealed, and only a revealed result is public. Polls
announced before this migration were public at once, so they count as revealed.

Revision ID: b22d90b85f7c
Revises: d0dbd3b23760
Create Date: 2026-11-23 21:04:33.193034

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b22d90b85f7c'
down_revision = 'd0dbd3b23760'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("UPDATE polls SET status = 'revealed' WHERE status = 'announced'"))


def downgrade():
    # Before this revision an announced result was public: that is what "revealed" means.
    op.execute(sa.text("UPDATE polls SET status = 'announced' WHERE status = 'revealed'"))
