"""report files in the database

Kept PDFs move from files under REPORTS_DIR (default: the instance folder's ``reports/``) into the
``report_file_content`` table, so every app server serves every file. Upgrading copies each kept
file that is still on this server's disk and matches its checksum into the table and forgets the
rows whose file is gone (they could only ever answer "no longer on the server"); downgrading
writes the bytes back out under that folder.

Revision ID: 065b84ca8c90
Revises: 065dd218d66a
Create Date: 2026-11-29 22:43:26.175067
"""
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = '065b84ca8c90'
down_revision: str | None = '065dd218d66a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

report_file = sa.table('report_file', sa.column('id', sa.Integer), sa.column('run_id', sa.Integer),
                       sa.column('filename', sa.String), sa.column('checksum', sa.String),
                       sa.column('path', sa.String))
content = sa.table('report_file_content', sa.column('file_id', sa.Integer),
                   sa.column('data', sa.LargeBinary))


def _reports_dir() -> Path:
    """Where the portal kept PDFs before this revision (the REPORTS_DIR setting it then had)."""
    default = Path(__file__).resolve().parents[2] / 'instance' / 'reports'
    return Path(os.environ.get('REPORTS_DIR') or default)


def _kept_bytes(folder: Path, path: str, checksum: str) -> bytes | None:
    try:
        data = (folder / path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == checksum else None


def upgrade() -> None:
    op.create_table('report_file_content',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['report_file.id'], name=op.f('fk_report_file_content_file_id_report_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', name=op.f('pk_report_file_content'))
    )
    connection = op.get_bind()
    folder = _reports_dir()
    rows = connection.execute(sa.select(report_file.c.id, report_file.c.path, report_file.c.checksum)).all()
    for file_id, path, checksum in rows:
        data = _kept_bytes(folder, path, checksum)
        if data is None:
            connection.execute(report_file.delete().where(report_file.c.id == file_id))
        else:
            connection.execute(content.insert().values(file_id=file_id, data=data))
    with op.batch_alter_table('report_file', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_report_file_run_id_filename'), ['run_id', 'filename'])
        batch_op.drop_column('path')


def downgrade() -> None:
    with op.batch_alter_table('report_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path', sa.VARCHAR(length=500), nullable=False, server_default=''))
        batch_op.drop_constraint(batch_op.f('uq_report_file_run_id_filename'), type_='unique')
    connection = op.get_bind()
    folder = _reports_dir()
    rows = connection.execute(sa.select(report_file.c.id, report_file.c.run_id, report_file.c.filename,
                                        content.c.data)
                              .join(content, content.c.file_id == report_file.c.id)).all()
    for file_id, run_id, filename, data in rows:
        path = f'run-{run_id}/{filename}'
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        connection.execute(report_file.update().where(report_file.c.id == file_id).values(path=path))
    with op.batch_alter_table('report_file', schema=None) as batch_op:
        batch_op.alter_column('path', server_default=None)
    op.drop_table('report_file_content')
