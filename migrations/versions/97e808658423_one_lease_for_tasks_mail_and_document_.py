"""One lease for tasks, mail and document jobs

Revision ID: 97e808658423
Revises: 25db8b49a791
Create Date: 2026-11-29 16:04:06.706447

"""

import sqlalchemy as sa
from alembic import op

import conference.database

# revision identifiers, used by Alembic.
revision = '97e808658423'
down_revision = '25db8b49a791'
branch_labels = None
depends_on = None

WORK_STATUS = sa.Enum('queued', 'running', 'done', 'failed', name='workstatus', native_enum=False, length=32)


def upgrade():
    # Columns renamed, not dropped: what is queued, running or kept stays as it was.
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_run_at'))
        batch_op.alter_column('run_at', new_column_name='due_at')
        batch_op.alter_column('claimed_until', new_column_name='held_until')
        batch_op.alter_column('status', existing_type=sa.VARCHAR(length=16), type_=WORK_STATUS, existing_nullable=False)
    with op.batch_alter_table('task', schema=None) as batch_op:  # indexes of renamed columns: a batch of their own
        batch_op.create_index(batch_op.f('ix_task_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_status'), ['status'], unique=False)

    op.execute("UPDATE outgoing_mail SET status = 'running' WHERE status = 'sending'")
    op.execute("UPDATE outgoing_mail SET status = 'done' WHERE status = 'sent'")
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.alter_column('next_attempt_at', new_column_name='due_at')
        batch_op.add_column(sa.Column('held_until', conference.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('status', existing_type=sa.VARCHAR(length=16), type_=WORK_STATUS, existing_nullable=False)
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_due_at'), ['due_at'], unique=False)
    # A mail being sent was claimed until its next_attempt_at: that time is its hold now.
    op.execute("UPDATE outgoing_mail SET held_until = due_at WHERE status = 'running'")

    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.alter_column('heartbeat_at', new_column_name='held_until', existing_nullable=False, nullable=True)
        batch_op.alter_column('error', new_column_name='last_error')
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(
            sa.Column(
                'due_at',
                conference.database.UTCDateTime(timezone=True),
                server_default=sa.func.current_timestamp(),
                nullable=False,
            )
        )
        batch_op.alter_column('status', existing_type=sa.VARCHAR(length=16), type_=WORK_STATUS, existing_nullable=False)
    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_job_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_job_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_job_status'))
        batch_op.drop_index(batch_op.f('ix_document_job_due_at'))
    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=WORK_STATUS, type_=sa.VARCHAR(length=16), existing_nullable=False)
        batch_op.drop_column('due_at')
        batch_op.drop_column('attempts')
        batch_op.alter_column('last_error', new_column_name='error')
        batch_op.alter_column('held_until', new_column_name='heartbeat_at')

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_due_at'))
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=WORK_STATUS, type_=sa.VARCHAR(length=16), existing_nullable=False)
        batch_op.drop_column('held_until')
        batch_op.alter_column('due_at', new_column_name='next_attempt_at')
    op.execute("UPDATE outgoing_mail SET status = 'sent' WHERE status = 'done'")
    op.execute("UPDATE outgoing_mail SET status = 'sending' WHERE status = 'running'")

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_status'))
        batch_op.drop_index(batch_op.f('ix_task_due_at'))
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=WORK_STATUS, type_=sa.VARCHAR(length=16), existing_nullable=False)
        batch_op.alter_column('held_until', new_column_name='claimed_until')
        batch_op.alter_column('due_at', new_column_name='run_at')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_run_at'), ['run_at'], unique=False)
