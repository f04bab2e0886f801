"""Registrations without an e-mail address

Revision ID: fc422efa1f20
Revises: 9d5ba3f93f2f
Create Date: 2026-11-29 17:55:52.118495

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'fc422efa1f20'
down_revision = '9d5ba3f93f2f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.VARCHAR(length=254), nullable=True)


def downgrade():
    # An address that never delivers for those registered without one.
    op.execute("UPDATE registration SET email = id || '@no-address.invalid' WHERE email IS NULL")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.VARCHAR(length=254), nullable=False)
