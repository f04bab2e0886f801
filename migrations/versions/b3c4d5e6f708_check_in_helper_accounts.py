"""Check-in helper accounts: a role of their own

Accounts that only ever checked people in become check-in helpers: they may no longer create
events or change speakers (accounts/access.py).

Revision ID: b3c4d5e6f708
Revises: 9a10281e67b4
Create Date: 2026-11-29 14:05:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3c4d5e6f708'
down_revision = '9a10281e67b4'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        UPDATE user_account SET role = 'check_in'
        WHERE role = 'organiser'
          AND EXISTS (SELECT 1 FROM event_assignment WHERE event_assignment.user_id = user_account.id)
          AND NOT EXISTS (SELECT 1 FROM event_assignment
                          WHERE event_assignment.user_id = user_account.id AND event_assignment.role = 'organiser')
    """)


def downgrade():
    op.execute("UPDATE user_account SET role = 'organiser' WHERE role = 'check_in'")
