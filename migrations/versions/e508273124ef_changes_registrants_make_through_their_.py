"""Log entries tell the changes registrants make through their link from the system's own

Revision ID: e508273124ef
Revises: 42e08363437b
Create Date: 2026-12-02 06:49:11.051234

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e508273124ef'
down_revision = '42e08363437b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_registrant', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('by_registrant')
