"""Check-in time of a registration

Revision ID: f4ff2cbe3887
Revises: b07f46a0fadc
Create Date: 2026-11-24 09:02:23.897153

"""

import sqlalchemy as sa
from alembic import op

import conference.database

# revision identifiers, used by Alembic.
revision = 'f4ff2cbe3887'
down_revision = 'b07f46a0fadc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', conference.database.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('checked_in_at')
