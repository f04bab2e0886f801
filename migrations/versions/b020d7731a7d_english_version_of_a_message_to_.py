"""An English version of a message to registrants, which those who registered in English receive

Revision ID: b020d7731a7d
Revises: c18fd74e3762
Create Date: 2026-12-02 06:56:51.143611

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b020d7731a7d'
down_revision = 'c18fd74e3762'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulk_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_en', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('body_en', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('bulk_message', schema=None) as batch_op:
        batch_op.drop_column('body_en')
        batch_op.drop_column('subject_en')
