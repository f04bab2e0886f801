"""Names sorted as German readers expect: a collation key of each registration's name and organisation

Revision ID: 371354481720
Revises: ca850431e74e
Create Date: 2026-12-02 06:45:23.153289

"""

import sqlalchemy as sa
from alembic import op

from conference.site.collation import SortKey, sort_key

# revision identifiers, used by Alembic.
revision = '371354481720'
down_revision = 'ca850431e74e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', SortKey, server_default='', nullable=False))
        batch_op.add_column(sa.Column('sort_organisation', SortKey, server_default='', nullable=False))
    registration = sa.table(
        'registration',
        sa.column('id'),
        sa.column('first_name'),
        sa.column('last_name'),
        sa.column('organisation'),
        sa.column('sort_name'),
        sa.column('sort_organisation'),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(registration)).all():
        connection.execute(
            sa.update(registration)
            .where(registration.c.id == row.id)
            .values(
                sort_name=sort_key(f"{row.last_name}, {row.first_name}"),
                sort_organisation=sort_key(row.organisation or ""),
            )
        )


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('sort_organisation')
        batch_op.drop_column('sort_name')
