"""Version counter of agenda items

Revision ID: 079a0c569669
Revises: f4ff2cbe3887
Create Date: 2026-11-24 09:08:03.411915

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '079a0c569669'
down_revision = 'f4ff2cbe3887'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('version')
