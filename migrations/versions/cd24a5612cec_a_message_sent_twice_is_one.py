"""A message to registrants remembers the form it was sent from, so that the same form sent twice is one message

Revision ID: cd24a5612cec
Revises: 7ce19a472e96
Create Date: 2026-12-02 08:40:10.637543

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'cd24a5612cec'
down_revision = '7ce19a472e96'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulk_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('bulk_message', schema=None) as batch_op:
        batch_op.drop_column('submission_key')
