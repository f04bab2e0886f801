"""Submission keys are stored hashed

The keys only recognise a form sent twice within seconds; those stored in plain text are
dropped rather than hashed.

Revision ID: c4d5e6f70819
Revises: 68ff0bc9acac
Create Date: 2026-11-29 14:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d5e6f70819'
down_revision = '68ff0bc9acac'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE registration SET submission_key = ''")


def downgrade():
    pass  # hashed keys stay hashed; they still tell a repeated form apart
