"""Outgoing mail queue

Revision ID: 4c8fae30d8a7
Revises: a79970c40daf
Create Date: 2026-11-24 08:24:07.007342

"""

import sqlalchemy as sa
from alembic import op

import conference.database

# revision identifiers, used by Alembic.
revision = '4c8fae30d8a7'
down_revision = 'a79970c40daf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outgoing_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('builder', sa.String(length=60), nullable=False),
        sa.Column('context', sa.JSON(), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('created_at', conference.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', conference.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', conference.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_status'))

    op.drop_table('outgoing_mail')
