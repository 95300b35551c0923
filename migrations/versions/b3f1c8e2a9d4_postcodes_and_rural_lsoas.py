"""postcodes: full postcodes from the ONS lookup, each in an LSOA; LSOAs' rural-urban class;
agencies can be retired

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


def downgrade() -> None:
    with op.batch_alter_table('agency') as batch:
        batch.drop_column('retired_on')
    with op.batch_alter_table('lsoa_neighbourhood') as batch:
        batch.drop_column('rural')
    op.drop_index(op.f('ix_postcode_lsoa_code'), table_name='postcode')
    op.drop_table('postcode')
