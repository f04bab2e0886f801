"""Registrations found through indexes: counts per status and way of taking part and a place on the waiting list
read from one index, a form sent again and an address registered before looked up directly

Revision ID: 5b1e7c2d9a40
Revises: 9467b03ea671
Create Date: 2026-12-04 06:20:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = '5b1e7c2d9a40'
down_revision = '9467b03ea671'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_registration_event_id_status_online_created_at',
        'registration',
        ['event_id', 'status', 'online', 'created_at'],
    )
    op.drop_index('ix_registration_event_id_status', table_name='registration')
    op.create_index('ix_registration_email', 'registration', ['email'])
    op.create_index('ix_registration_submission_key', 'registration', ['submission_key'])


def downgrade():
    op.drop_index('ix_registration_submission_key', table_name='registration')
    op.drop_index('ix_registration_email', table_name='registration')
    op.create_index('ix_registration_event_id_status', 'registration', ['event_id', 'status'])
    op.drop_index('ix_registration_event_id_status_online_created_at', table_name='registration')
