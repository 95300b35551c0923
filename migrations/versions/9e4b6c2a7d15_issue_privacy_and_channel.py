"""issue privacy and channel: a published public summary in place of the resident's words, and how
the issue reached the partnership (assisted digital)

Existing issues become private: their summary is blank until a coordinator publishes one. Their
channel is "online" (the resident's own form, the only way issues could be raised before).

Revision ID: 9e4b6c2a7d15
Revises: 6f1e2d3c4b5a
Create Date: 2026-11-30 01:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '9e4b6c2a7d15'
down_revision: str | None = '6f1e2d3c4b5a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNELS = "channel IN ('online', 'phone', 'pact_meeting', 'in_person', 'letter', 'email')"


def upgrade() -> None:
    with op.batch_alter_table('pact_issue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_summary', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('summary_published_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='online',
                                      nullable=False))
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pact_issue_recorded_by_id_staff_user'), 'staff_user',
                                    ['recorded_by_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_pact_issue_channel'), CHANNELS)


def downgrade() -> None:
    with op.batch_alter_table('pact_issue', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_pact_issue_channel'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_pact_issue_recorded_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
        batch_op.drop_column('channel')
        batch_op.drop_column('summary_published_at')
        batch_op.drop_column('public_summary')
