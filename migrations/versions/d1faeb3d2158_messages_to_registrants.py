"""Messages to registrants

Revision ID: d1faeb3d2158
Revises: 50e83285232e
Create Date: 2026-11-24 09:23:24.973353

"""

import sqlalchemy as sa
from alembic import op

import conference.database

# revision identifiers, used by Alembic.
revision = 'd1faeb3d2158'
down_revision = '50e83285232e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bulk_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('created_at', conference.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['event_id'], ['event.id'], name=op.f('fk_bulk_message_event_id_event'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_bulk_message_user_id_user_account'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_message')),
    )
    with op.batch_alter_table('bulk_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_message_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_outgoing_mail_batch'), ['batch'], unique=False)


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_batch'))
        batch_op.drop_column('batch')

    with op.batch_alter_table('bulk_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_message_event_id'))

    op.drop_table('bulk_message')
