"""postcodes: full postcodes from the ONS lookup, each in an LSOA; LSOAs' rural-urban class;
agencies can be retired; the partnership's profile

Revision ID: b3f1c8e2a9d4
Revises: 4c8e2a6d1f93
Create Date: 2026-12-07 01:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b3f1c8e2a9d4'
down_revision: str | None = '4c8e2a6d1f93'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('partnership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=False),
    sa.Column('area_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('privacy_contact', sa.String(length=254), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sa.String(length=20), nullable=True),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_partnership_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership'))
    )
    op.create_table('postcode',
    sa.Column('postcode', sa.String(length=8), nullable=False),
    sa.Column('lsoa_code', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('postcode', name=op.f('pk_postcode'))
    )
    op.create_index(op.f('ix_postcode_lsoa_code'), 'postcode', ['lsoa_code'], unique=False)
    with op.batch_alter_table('lsoa_neighbourhood') as batch:
        batch.add_column(sa.Column('rural', sa.Boolean(), nullable=True))
    with op.batch_alter_table('agency') as batch:
        batch.add_column(sa.Column('retired_on', sa.Date(), nullable=True))
    with op.batch_alter_table('neighbourhood') as batch:
        batch.add_column(sa.Column('area_class_fixed', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))


def downgrade() -> None:
    op.drop_table('partnership')
    with op.batch_alter_table('neighbourhood') as batch:
        batch.drop_column('area_class_fixed')
    with op.batch_alter_table('agency') as batch:
        batch.drop_column('retired_on')
    with op.batch_alter_table('lsoa_neighbourhood') as batch:
        batch.drop_column('rural')
    op.drop_index(op.f('ix_postcode_lsoa_code'), table_name='postcode')
    op.drop_table('postcode')
