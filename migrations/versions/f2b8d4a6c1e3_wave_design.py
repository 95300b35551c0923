"""wave design: simple (one sample of the area) or stratified by neighbourhood

Revision ID: f2b8d4a6c1e3
Revises: a4c9e2f7b361
Create Date: 2026-12-07 11:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f2b8d4a6c1e3'
down_revision: str | None = 'a4c9e2f7b361'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('design', sa.String(length=20), server_default='simple', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_column('design')
