"""questionnaire translations: each published version's strings in other languages, stored beside
the version (its definition and checksum stay frozen)

Revision ID: a4c9e2f7b361
Revises: d7a3e5c1b842
Create Date: 2026-12-07 11:55:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a4c9e2f7b361'
down_revision: str | None = 'd7a3e5c1b842'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('questionnaire_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'],
                            name=op.f('fk_questionnaire_translation_questionnaire_id_questionnaire')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'], ondelete='SET NULL',
                            name=op.f('fk_questionnaire_translation_updated_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_translation')),
    sa.UniqueConstraint('questionnaire_id', 'language', 'key',
                        name=op.f('uq_questionnaire_translation_questionnaire_id_language_key'))
    )


def downgrade() -> None:
    op.drop_table('questionnaire_translation')
