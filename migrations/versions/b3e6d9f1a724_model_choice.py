"""model choice: the covariates of an indicator's small-area model, per wave

Revision ID: b3e6d9f1a724
Revises: eb4ed7a3580d
Create Date: 2026-12-07 15:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b3e6d9f1a724'
down_revision: str | None = 'eb4ed7a3580d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('model_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=60), nullable=False),
    sa.Column('covariates', sa.JSON(), nullable=False),
    sa.Column('chosen_by_id', sa.Integer(), nullable=True),
    sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['staff_user.id'], name=op.f('fk_model_choice_chosen_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_model_choice_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_choice')),
    sa.UniqueConstraint('wave_id', 'indicator', name=op.f('uq_model_choice_wave_id_indicator'))
    )


def downgrade() -> None:
    op.drop_table('model_choice')
