"""statutory duties: the accessibility statement (and accessibility requests as a Charter kind); the
ASB Case Review (applications, reports across agencies, agencies invited, recommendations)

Revision ID: c5a7e1d3b920
Revises: e7c3a1f5b820
Create Date: 2026-12-07 06:30:00

The Charter kinds are copied here as they stand at this revision, so the migration keeps meaning the
same when the enum changes. Batch mode, so SQLite (which cannot ALTER a constraint) rebuilds the table.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c5a7e1d3b920'
down_revision: str | None = 'e7c3a1f5b820'
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
    op.create_table('case_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('representative_name', sa.String(length=200), nullable=False),
    sa.Column('representative_email', sa.String(length=254), nullable=False),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('qualifying_incidents', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('outcome_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appeal_lodged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appeal_grounds', sa.Text(), nullable=False),
    sa.Column('appeal_decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appeal_upheld', sa.Boolean(), nullable=True),
    sa.Column('appeal_decision', sa.Text(), nullable=False),
    sa.CheckConstraint("channel IN ('online', 'phone', 'letter', 'in_person')", name=op.f('ck_case_review_channel')),
    sa.CheckConstraint("status IN ('received', 'not_met', 'met', 'reviewed', 'closed')", name=op.f('ck_case_review_status')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_case_review_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_review')),
    sa.UniqueConstraint('reference', name=op.f('uq_case_review_reference'))
    )
    with op.batch_alter_table('case_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_review_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index('ix_case_review_status_received', ['status', 'received_at'], unique=False)
    op.create_table('case_review_agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_review.id'], name=op.f('fk_case_review_agency_case_id_case_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_review_agency'))
    )
    with op.batch_alter_table('case_review_agency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_review_agency_case_id'), ['case_id'], unique=False)
    op.create_table('case_review_recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_review.id'], name=op.f('fk_case_review_recommendation_case_id_case_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_review_recommendation'))
    )
    with op.batch_alter_table('case_review_recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_review_recommendation_case_id'), ['case_id'], unique=False)
    op.create_table('case_review_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('incident_ref', sa.String(length=200), nullable=False),
    sa.Column('incident_date', sa.Date(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('pact_issue_id', sa.Integer(), nullable=True),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('pact', 'staff', 'import')", name=op.f('ck_case_review_report_source')),
    sa.ForeignKeyConstraint(['case_id'], ['case_review.id'], name=op.f('fk_case_review_report_case_id_case_review')),
    sa.ForeignKeyConstraint(['pact_issue_id'], ['pact_issue.id'], name=op.f('fk_case_review_report_pact_issue_id_pact_issue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_review_report'))
    )
    with op.batch_alter_table('case_review_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_review_report_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_review_report_pact_issue_id'), ['pact_issue_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_review_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_review_report_pact_issue_id'))
        batch_op.drop_index(batch_op.f('ix_case_review_report_case_id'))
    op.drop_table('case_review_report')
    with op.batch_alter_table('case_review_recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_review_recommendation_case_id'))
    op.drop_table('case_review_recommendation')
    with op.batch_alter_table('case_review_agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_review_agency_case_id'))
    op.drop_table('case_review_agency')
    with op.batch_alter_table('case_review', schema=None) as batch_op:
        batch_op.drop_index('ix_case_review_status_received')
        batch_op.drop_index(batch_op.f('ix_case_review_neighbourhood_id'))
    op.drop_table('case_review')
    op.drop_table('accessibility_statement')
    op.execute("UPDATE charter_case SET kind = 'enquiry' WHERE kind = 'accessibility'")
    with op.batch_alter_table('charter_case', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_charter_case_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_charter_case_kind'), _kinds(KINDS_BEFORE))
