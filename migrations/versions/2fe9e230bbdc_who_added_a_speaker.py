"""Who added a speaker (until they appear in an event, only they and administrators change them)

Revision ID: 2fe9e230bbdc
Revises: 58f219234868
Create Date: 2026-12-02 06:27:42.444119

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2fe9e230bbdc'
down_revision = '58f219234868'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_person_created_by_id_user_account'),
            'user_account',
            ['created_by_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_person_created_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('created_by_id')
