"""Event assignments and login attempts

Revision ID: b07f46a0fadc
Revises: 4c8fae30d8a7
Create Date: 2026-11-24 09:00:18.250631

"""

import sqlalchemy as sa
from alembic import op

import conference.database

# revision identifiers, used by Alembic.
revision = 'b07f46a0fadc'
down_revision = '4c8fae30d8a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('at', conference.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt')),
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_email'), ['email'], unique=False)

    op.create_table(
        'event_assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column(
            'role', sa.Enum('organiser', 'check_in', name='eventrole', native_enum=False, length=32), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ['event_id'], ['event.id'], name=op.f('fk_event_assignment_event_id_event'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_event_assignment_user_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_assignment')),
        sa.UniqueConstraint('user_id', 'event_id', name='uq_event_assignment_user_event'),
    )
    with op.batch_alter_table('event_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_assignment_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_assignment_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_assignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_assignment_event_id'))

    op.drop_table('event_assignment')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_email'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_address'))

    op.drop_table('login_attempt')
