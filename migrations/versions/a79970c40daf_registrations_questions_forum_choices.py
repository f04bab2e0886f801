"""Registrations, questions, forum choices

Revision ID: a79970c40daf
Revises: 33bdd86162d2
Create Date: 2026-11-24 08:18:42.475341

"""

import sqlalchemy as sa
from alembic import op

import conference.database

# revision identifiers, used by Alembic.
revision = 'a79970c40daf'
down_revision = '33bdd86162d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('help_text', sa.String(length=500), nullable=False),
        sa.Column(
            'kind',
            sa.Enum(
                'text',
                'long_text',
                'yes_no',
                'single_choice',
                'multiple_choice',
                name='questionkind',
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['event_id'], ['event.id'], name=op.f('fk_question_event_id_event'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_event_id'), ['event_id'], unique=False)

    op.create_table(
        'registration',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column(
            'status',
            sa.Enum(
                'pending',
                'confirmed',
                'waitlisted',
                'cancelled',
                'rejected',
                name='registrationstatus',
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('function', sa.String(length=200), nullable=False),
        sa.Column('phone', sa.String(length=50), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('privacy_accepted_at', conference.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('listed_as_participant', sa.Boolean(), nullable=False),
        sa.Column('link_nonce', sa.String(length=32), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('check_in_code', sa.String(length=16), nullable=False),
        sa.Column('submission_key', sa.String(length=64), nullable=False),
        sa.Column('created_at', conference.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', conference.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', conference.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['event_id'], ['event.id'], name=op.f('fk_registration_event_id_event'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
        sa.UniqueConstraint('check_in_code', name=op.f('uq_registration_check_in_code')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_registration_token_hash')),
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_event_id_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(
            'uq_registration_active_email',
            ['event_id', 'email'],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
        )

    op.create_table(
        'answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['question_id'], ['question.id'], name=op.f('fk_answer_question_id_question'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['registration_id'],
            ['registration.id'],
            name=op.f('fk_answer_registration_id_registration'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
        sa.UniqueConstraint('registration_id', 'question_id', name='uq_answer_registration_question'),
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_registration_id'), ['registration_id'], unique=False)

    op.create_table(
        'forum_choice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['agenda_item_id'],
            ['agenda_item.id'],
            name=op.f('fk_forum_choice_agenda_item_id_agenda_item'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['registration_id'],
            ['registration.id'],
            name=op.f('fk_forum_choice_registration_id_registration'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_choice')),
        sa.UniqueConstraint('registration_id', 'agenda_item_id', name='uq_forum_choice_registration_item'),
    )
    with op.batch_alter_table('forum_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_choice_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forum_choice_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=True))

    with op.batch_alter_table('event', schema=None) as batch_op:
        # Defaults for the events that exist already.
        batch_op.add_column(sa.Column('requires_approval', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(
            sa.Column(
                'participant_list_mode',
                sa.Enum('hidden', 'registered', 'public', name='participantlistmode', native_enum=False, length=32),
                nullable=False,
                server_default='hidden',
            )
        )
        batch_op.add_column(sa.Column('privacy_text', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('privacy_text')
        batch_op.drop_column('participant_list_mode')
        batch_op.drop_column('requires_approval')

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('capacity')

    with op.batch_alter_table('forum_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_choice_registration_id'))
        batch_op.drop_index(batch_op.f('ix_forum_choice_agenda_item_id'))

    op.drop_table('forum_choice')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_registration_id'))
        batch_op.drop_index(batch_op.f('ix_answer_question_id'))

    op.drop_table('answer')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_registration_active_email',
            sqlite_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
        )
        batch_op.drop_index('ix_registration_event_id_status')

    op.drop_table('registration')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_event_id'))

    op.drop_table('question')
