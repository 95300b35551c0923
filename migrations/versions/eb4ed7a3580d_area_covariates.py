"""area covariates (a number per neighbourhood for the small-area model) and LSOA residents 16+

Revision ID: eb4ed7a3580d
Revises: f2b8d4a6c1e3
Create Date: 2026-12-07 15:18:23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'eb4ed7a3580d'
down_revision: str | None = 'f2b8d4a6c1e3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('covariate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('areas_matched', sa.Integer(), nullable=False),
    sa.Column('areas_missing', sa.Integer(), nullable=False),
    sa.Column('areas_ignored', sa.Integer(), nullable=False),
    sa.Column('loaded_by_id', sa.Integer(), nullable=True),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('lsoa', 'neighbourhood')", name=op.f('ck_covariate_level')),
    sa.ForeignKeyConstraint(['loaded_by_id'], ['staff_user.id'], name=op.f('fk_covariate_loaded_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_covariate')),
    sa.UniqueConstraint('name', name=op.f('uq_covariate_name'))
    )
    op.create_table('covariate_lsoa_value',
    sa.Column('covariate_id', sa.Integer(), nullable=False),
    sa.Column('lsoa_code', sa.String(length=12), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['covariate_id'], ['covariate.id'], name=op.f('fk_covariate_lsoa_value_covariate_id_covariate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('covariate_id', 'lsoa_code', name=op.f('pk_covariate_lsoa_value'))
    )
    op.create_table('covariate_value',
    sa.Column('covariate_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['covariate_id'], ['covariate.id'], name=op.f('fk_covariate_value_covariate_id_covariate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_covariate_value_neighbourhood_id_neighbourhood'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('covariate_id', 'neighbourhood_id', name=op.f('pk_covariate_value'))
    )
    with op.batch_alter_table('lsoa_neighbourhood', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adults', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('lsoa_neighbourhood', schema=None) as batch_op:
        batch_op.drop_column('adults')

    op.drop_table('covariate_value')
    op.drop_table('covariate_lsoa_value')
    op.drop_table('covariate')
