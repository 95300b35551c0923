"""charter cases: written complaints and enquiries with the Service Charter's clocks

Revision ID: 3c7d2a91e5f0
Revises: 1521a9bfde83
Create Date: 2026-11-30 00:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '3c7d2a91e5f0'
down_revision: str | None = '1521a9bfde83'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('charter_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('extended_to', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('complaint', 'enquiry')", name=op.f('ck_charter_case_kind')),
    sa.CheckConstraint("status IN ('received', 'acknowledged', 'answered')",
                       name=op.f('ck_charter_case_status')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'],
                            name=op.f('fk_charter_case_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_case')),
    sa.UniqueConstraint('reference', name=op.f('uq_charter_case_reference'))
    )
    with op.batch_alter_table('charter_case', schema=None) as batch_op:
        batch_op.create_index('ix_charter_case_status_received', ['status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_charter_case_neighbourhood_id'), ['neighbourhood_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('charter_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_case_neighbourhood_id'))
        batch_op.drop_index('ix_charter_case_status_received')
    op.drop_table('charter_case')
