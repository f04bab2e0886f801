"""The organisers' internal note on a registration, which the person never sees but gets with their data

Revision ID: 7ce19a472e96
Revises: e508273124ef
Create Date: 2026-12-02 07:06:47.505268

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7ce19a472e96'
down_revision = 'e508273124ef'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('note')
