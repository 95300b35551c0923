"""panel member and alert subscription language: the language their e-mails are written in (null: English)

Revision ID: b3e8f1a6d2c4
Revises: a9d4c2e7f1b5
Create Date: 2026-12-07 19:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b3e8f1a6d2c4'
down_revision: str | None = 'a9d4c2e7f1b5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('panel_member', 'alert_subscription'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=12), nullable=True))


def downgrade() -> None:
    for table in ('alert_subscription', 'panel_member'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
