"""alert subscriptions; extra headers on outbound mail

Revision ID: 7b2e4c1d9a30
Revises: 8a0f4d118a35
Create Date: 2026-11-29 23:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '7b2e4c1d9a30'
down_revision: str | None = '8a0f4d118a35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('digested_until', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("frequency IN ('weekly', 'immediate')", name=op.f('ck_alert_subscription_frequency')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_alert_subscription_neighbourhood_id_neighbourhood'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscription')),
    sa.UniqueConstraint('email', 'neighbourhood_id', name=op.f('uq_alert_subscription_email_neighbourhood_id'))
    )
    op.create_index(op.f('ix_alert_subscription_neighbourhood_id'), 'alert_subscription', ['neighbourhood_id'], unique=False)
    op.add_column('outbound_mail', sa.Column('headers', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbound_mail') as batch:
        batch.drop_column('headers')
    op.drop_index(op.f('ix_alert_subscription_neighbourhood_id'), table_name='alert_subscription')
    op.drop_table('alert_subscription')
