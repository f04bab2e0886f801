"""How many calendar entries a registrant's mails carried, the SEQUENCE of the next one (entries sent earlier
named the event, not the registration: they count as none)

Revision ID: 797b8047d7ce
Revises: b020d7731a7d
Create Date: 2026-12-02 07:00:36.486691

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '797b8047d7ce'
down_revision = 'b020d7731a7d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendars_sent', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('calendars_sent')
