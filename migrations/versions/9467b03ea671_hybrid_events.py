"""Hybrid events: an event and its agenda items on site, online or both; online places with their own capacity,
the online link and access code; whether a registration takes part online

Revision ID: 9467b03ea671
Revises: 94a41094052d
Create Date: 2026-12-03 16:52:16.905283

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9467b03ea671'
down_revision = '94a41094052d'
branch_labels = None
depends_on = None

MODE = sa.Enum('on_site', 'online', 'hybrid', name='attendancemode', native_enum=False, length=32)


def upgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_mode', MODE, nullable=True))

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_mode', MODE, server_default='on_site', nullable=False))
        batch_op.add_column(sa.Column('online_capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('online_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('online_access_code', sa.String(length=100), server_default='', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_event_online_capacity_not_negative'), 'online_capacity IS NULL OR online_capacity >= 0'
        )

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('online')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_online_capacity_not_negative'), type_='check')
        batch_op.drop_column('online_access_code')
        batch_op.drop_column('online_url')
        batch_op.drop_column('online_capacity')
        batch_op.drop_column('attendance_mode')

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('attendance_mode')
