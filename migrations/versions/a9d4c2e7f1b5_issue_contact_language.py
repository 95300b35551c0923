"""issue contact language: the language of the page a resident gave their address on (null: English)

Revision ID: a9d4c2e7f1b5
Revises: c7e3a9d5b2f1
Create Date: 2026-12-07 15:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a9d4c2e7f1b5'
down_revision: str | None = 'c7e3a9d5b2f1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('issue_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('issue_contact', schema=None) as batch_op:
        batch_op.drop_column('language')
