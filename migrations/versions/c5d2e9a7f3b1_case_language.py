"""charter case and case review language: the language their letters and e-mails are written in (null: English)

Revision ID: c5d2e9a7f3b1
Revises: b3e8f1a6d2c4
Create Date: 2026-12-07 23:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c5d2e9a7f3b1'
down_revision: str | None = 'b3e8f1a6d2c4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('charter_case', 'case_review'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=12), nullable=True))


def downgrade() -> None:
    for table in ('case_review', 'charter_case'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
