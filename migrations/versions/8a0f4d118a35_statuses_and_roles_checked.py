"""statuses and roles checked: CHECK constraints on issue, meeting and priority statuses and staff roles

Revision ID: 8a0f4d118a35
Revises: 5b1e7c2d9a40
Create Date: 2026-11-29 23:30:00.000000

The values are those of the enums in portal/models/statuses.py at this revision, copied so the
migration keeps meaning the same when the enums change (a later change writes its own migration).
Batch mode, so SQLite (which cannot ALTER a constraint) rebuilds each table.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '8a0f4d118a35'
down_revision: str | None = '5b1e7c2d9a40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, allowed values); the constraint is named ck_<table>_<column>.
CHECKED = (
    ("pact_issue", "status", ("submitted", "acknowledged", "under_review", "pact_priority", "in_progress",
                              "resolved_locally", "referred_elsewhere", "closed_no_further_action",
                              "rejected_duplicate", "rejected_out_of_scope")),
    ("pact_meeting", "status", ("scheduled", "held", "cancelled")),
    ("pact_priority", "status", ("active", "completed", "dropped")),
    ("staff_user", "role", ("coordinator", "analyst", "admin")),
)


def upgrade() -> None:
    for table, column, values in CHECKED:
        allowed = ", ".join(f"'{value}'" for value in values)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"), f"{column} IN ({allowed})")


def downgrade() -> None:
    for table, column, _ in reversed(CHECKED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
