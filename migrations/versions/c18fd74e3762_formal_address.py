"""The formal address: a registrant's form of address and academic title, and whether an event asks for them

Revision ID: c18fd74e3762
Revises: 073bb0daf5bb
Create Date: 2026-12-02 07:07:42.440467

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c18fd74e3762'
down_revision = '073bb0daf5bb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asks_salutation', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('asks_academic_title', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'salutation',
                sa.Enum('', 'frau', 'herr', name='salutation', native_enum=False, length=32),
                server_default='',
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column('academic_title', sa.String(length=60), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('academic_title')
        batch_op.drop_column('salutation')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('asks_academic_title')
        batch_op.drop_column('asks_salutation')
