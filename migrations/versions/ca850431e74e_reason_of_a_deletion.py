"""The reason an organiser gives for deleting a person's data, kept with the record of the deletion

Revision ID: ca850431e74e
Revises: 6c6713a94c8f
Create Date: 2026-12-02 06:36:56.263503

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'ca850431e74e'
down_revision = '6c6713a94c8f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deletion_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=300), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('deletion_record', schema=None) as batch_op:
        batch_op.drop_column('note')
