"""Whether an event's check-in helpers may admit people from the waiting list and walk-ins

Revision ID: 42e08363437b
Revises: 797b8047d7ce
Create Date: 2026-12-02 06:50:39.577826

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '42e08363437b'
down_revision = '797b8047d7ce'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helpers_may_admit', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('helpers_may_admit')
