"""A one-time link lets the owner of an account log in while guessing has locked the log-in

Revision ID: 6c6713a94c8f
Revises: 2fe9e230bbdc
Create Date: 2026-12-02 06:33:53.153223

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6c6713a94c8f'
down_revision = '2fe9e230bbdc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unlock_nonce', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('unlock_nonce')
