"""meeting agendas and papers: the agenda text, when it was published, and PDF papers in the database

Revision ID: 9e4b7a2c51d3
Revises: 3c7d2a91e5f0
Create Date: 2026-11-30 01:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '9e4b7a2c51d3'
down_revision: str | None = '3c7d2a91e5f0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pact_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('agenda_published_at', sa.DateTime(timezone=True),
                                      nullable=True))
    op.create_table('pact_meeting_paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['pact_meeting.id'],
                            name=op.f('fk_pact_meeting_paper_meeting_id_pact_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['staff_user.id'],
                            name=op.f('fk_pact_meeting_paper_uploaded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pact_meeting_paper'))
    )
    with op.batch_alter_table('pact_meeting_paper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pact_meeting_paper_meeting_id'), ['meeting_id'], unique=False)
    op.create_table('pact_meeting_paper_content',
    sa.Column('paper_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['paper_id'], ['pact_meeting_paper.id'],
                            name=op.f('fk_pact_meeting_paper_content_paper_id_pact_meeting_paper'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('paper_id', name=op.f('pk_pact_meeting_paper_content'))
    )


def downgrade() -> None:
    op.drop_table('pact_meeting_paper_content')
    with op.batch_alter_table('pact_meeting_paper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pact_meeting_paper_meeting_id'))
    op.drop_table('pact_meeting_paper')
    with op.batch_alter_table('pact_meeting', schema=None) as batch_op:
        batch_op.drop_column('agenda_published_at')
        batch_op.drop_column('agenda')
