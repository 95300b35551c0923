"""statutory duties: the accessibility statement (and accessibility requests as a Charter kind)

Revision ID: c5a7e1d3b920
Revises: b3f1c8e2a9d4
Create Date: 2026-12-07 06:30:00

The Charter kinds are copied here as they stand at this revision, so the migration keeps meaning the
same when the enum changes. Batch mode, so SQLite (which cannot ALTER a constraint) rebuilds the table.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c5a7e1d3b920'
down_revision: str | None = 'b3f1c8e2a9d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ("complaint", "enquiry")
KINDS_AFTER = ("complaint", "enquiry", "accessibility")


def _kinds(values: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{value}'" for value in values))


def upgrade() -> None:
    with op.batch_alter_table('charter_case', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_charter_case_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_charter_case_kind'), _kinds(KINDS_AFTER))
    op.create_table('accessibility_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('prepared_on', sa.Date(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_accessibility_statement_one_row')),
    sa.CheckConstraint("status IN ('fully', 'partially', 'not')",
                       name=op.f('ck_accessibility_statement_status')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'],
                            name=op.f('fk_accessibility_statement_updated_by_id_staff_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accessibility_statement'))
    )


def downgrade() -> None:
    op.drop_table('accessibility_statement')
    op.execute("UPDATE charter_case SET kind = 'enquiry' WHERE kind = 'accessibility'")
    with op.batch_alter_table('charter_case', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_charter_case_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_charter_case_kind'), _kinds(KINDS_BEFORE))
