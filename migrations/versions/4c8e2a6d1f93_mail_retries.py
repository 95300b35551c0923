"""mail retries: each message's delivery attempts and when the next may be made

Revision ID: 4c8e2a6d1f93
Revises: 9d4e6b2a1c70
Create Date: 2026-12-07 01:10:00

A failed message is tried again with back-off until MAIL_MAX_ATTEMPTS, then marked "dead" (the
status column has no CHECK constraint, so the new value needs no change here).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4c8e2a6d1f93'
down_revision: str | None = '9d4e6b2a1c70'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
    # Before this revision a failure was final (and its body redacted): such messages are dead.
    op.execute("UPDATE outbound_mail SET status = 'dead' WHERE status = 'failed'")


def downgrade() -> None:
    op.execute("UPDATE outbound_mail SET status = 'failed' WHERE status = 'dead'")
    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
