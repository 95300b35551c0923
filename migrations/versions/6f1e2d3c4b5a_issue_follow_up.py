"""issue follow-up: "Was it resolved?" sent, answered, and the resident's consent to be asked

Revision ID: 6f1e2d3c4b5a
Revises: 9e4b7a2c51d3
Create Date: 2026-11-30 01:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '6f1e2d3c4b5a'
down_revision: str | None = '9e4b7a2c51d3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERS = "followup_answer IN ('resolved', 'partly', 'not_resolved')"


def upgrade() -> None:
    with op.batch_alter_table('pact_issue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_sent_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('followup_answer', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('followup_answered_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('followup_comment', sa.Text(), nullable=False, server_default=''))
        batch_op.create_check_constraint(batch_op.f('ck_pact_issue_followup_answer'), ANSWERS)
    with op.batch_alter_table('pact_issue', schema=None) as batch_op:
        batch_op.alter_column('followup_comment', server_default=None)
    # Existing residents agreed to updates about their issue, not to this question: nobody is asked
    # without ticking the new box.
    with op.batch_alter_table('issue_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_to_follow_up', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('issue_contact', schema=None) as batch_op:
        batch_op.alter_column('consent_to_follow_up', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('issue_contact', schema=None) as batch_op:
        batch_op.drop_column('consent_to_follow_up')
    with op.batch_alter_table('pact_issue', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_pact_issue_followup_answer'), type_='check')
        batch_op.drop_column('followup_comment')
        batch_op.drop_column('followup_answered_at')
        batch_op.drop_column('followup_answer')
        batch_op.drop_column('followup_sent_at')
