"""Only tasks hold a lease: outgoing mail and document jobs become plain records

Revision ID: b7d1c0a2e4f9
Revises: cd24a5612cec
Create Date: 2026-12-02 11:00:00.000000

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import conference.database

# revision identifiers, used by Alembic.
revision = 'b7d1c0a2e4f9'
down_revision = 'cd24a5612cec'
branch_labels = None
depends_on = None

LEASE_GONE = ('outgoing_mail', 'document_job')
SWEEPS = ('mail.deliver_due', 'documents.take_over')  # periodic tasks whose work the tasks' lease does now


def upgrade():
    # Mails still to go get one task that delivers them; the sweeps that took over mail and jobs go.
    connection = op.get_bind()
    op.execute("UPDATE outgoing_mail SET status = 'queued' WHERE status = 'running'")
    waiting = [row[0] for row in connection.execute(sa.text("SELECT id FROM outgoing_mail WHERE status = 'queued'"))]
    if waiting:
        task = sa.table(
            'task',
            sa.column('name', sa.String),
            sa.column('arguments', sa.JSON),
            sa.column('max_attempts', sa.Integer),
            sa.column('created_at', conference.database.UTCDateTime),
            sa.column('status', sa.String),
            sa.column('attempts', sa.Integer),
            sa.column('due_at', conference.database.UTCDateTime),
            sa.column('last_error', sa.String),
        )
        now = datetime.now(UTC)
        op.bulk_insert(
            task,
            [
                {
                    'name': 'mail.deliver',
                    'arguments': {'mail_ids': waiting},
                    'max_attempts': 6,
                    'created_at': now,
                    'status': 'queued',
                    'attempts': 0,
                    'due_at': now,
                    'last_error': '',
                }
            ],
        )
    connection.execute(
        sa.text("DELETE FROM task WHERE name IN :names").bindparams(sa.bindparam('names', expanding=True)),
        {'names': list(SWEEPS)},
    )
    for table in LEASE_GONE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_due_at'))
            batch_op.drop_column('held_until')
            batch_op.drop_column('due_at')
            batch_op.drop_column('attempts')


def downgrade():
    for table in LEASE_GONE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
            batch_op.add_column(
                sa.Column(
                    'due_at',
                    conference.database.UTCDateTime(timezone=True),
                    server_default=sa.func.current_timestamp(),
                    nullable=False,
                )
            )
            batch_op.add_column(sa.Column('held_until', conference.database.UTCDateTime(timezone=True), nullable=True))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_due_at'), ['due_at'], unique=False)
