"""Who added an organisation (an organiser keeps those they added)

Revision ID: 073bb0daf5bb
Revises: 371354481720
Create Date: 2026-12-02 06:50:02.661266

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '073bb0daf5bb'
down_revision = '371354481720'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_organisation_created_by_id_user_account'),
            'user_account',
            ['created_by_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisation_created_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('created_by_id')
