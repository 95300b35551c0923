"""panel opt-out: addresses that left the panel (keyed hashes), members' recruitment and leaving dates

Revision ID: 9d4e6b2a1c70
Revises: 9e4b6c2a7d15
Create Date: 2026-11-30 01:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '9d4e6b2a1c70'
down_revision: str | None = '9e4b6c2a7d15'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('panel_opt_out',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.CheckConstraint("reason IN ('stop_inviting_link', 'erased_on_request')",
                       name=op.f('ck_panel_opt_out_reason')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_opt_out')),
    sa.UniqueConstraint('address_hash', name=op.f('uq_panel_opt_out_address_hash'))
    )
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recruited_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('opted_out_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_column('opted_out_at')
        batch_op.drop_column('recruited_on')
    op.drop_table('panel_opt_out')
