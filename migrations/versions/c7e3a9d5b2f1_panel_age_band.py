"""panel members' age band (optional in the panel file), for reminders targeted by age band

Revision ID: c7e3a9d5b2f1
Revises: b3e6d9f1a724
Create Date: 2026-12-07 15:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c7e3a9d5b2f1'
down_revision: str | None = 'b3e6d9f1a724'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_band', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_column('age_band')
