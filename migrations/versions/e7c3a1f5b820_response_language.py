"""response language: the language a resident answered in (en for every response before it)

Revision ID: e7c3a1f5b820
Revises: d5a7e3c1b9f2
Create Date: 2026-12-07 06:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e7c3a1f5b820'
down_revision: str | None = 'd5a7e3c1b9f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=12), server_default='en', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('language')
