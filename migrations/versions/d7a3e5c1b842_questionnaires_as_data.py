"""questionnaires as data: each published version keeps its document (the YAML files' shape),
what it was based on, who published it and which standard questions it changed; drafts of new
versions; analysts' judgements that a change still compares

Revision ID: d7a3e5c1b842
Revises: c5a7e1d3b920
Create Date: 2026-12-07 06:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd7a3e5c1b842'
down_revision: str | None = 'c5a7e1d3b920'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

questionnaire = sa.table('questionnaire', sa.column('id', sa.Integer),
                         sa.column('definition', sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table('questionnaire') as batch:
        batch.add_column(sa.Column('based_on_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('change_note', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('standard_changes', sa.JSON(), server_default='[]',
                                   nullable=False))
        batch.create_foreign_key(op.f('fk_questionnaire_based_on_id_questionnaire'),
                                 'questionnaire', ['based_on_id'], ['id'])
        batch.create_foreign_key(op.f('fk_questionnaire_published_by_id_staff_user'),
                                 'staff_user', ['published_by_id'], ['id'], ondelete='SET NULL')
    op.create_table('questionnaire_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['based_on_id'], ['questionnaire.id'],
                            name=op.f('fk_questionnaire_draft_based_on_id_questionnaire')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], ondelete='SET NULL',
                            name=op.f('fk_questionnaire_draft_created_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_draft'))
    )
    op.create_table('comparable_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'],
                            name=op.f('fk_comparable_change_questionnaire_id_questionnaire')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['staff_user.id'], ondelete='SET NULL',
                            name=op.f('fk_comparable_change_marked_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comparable_change')),
    sa.UniqueConstraint('questionnaire_id', 'question_id',
                        name=op.f('uq_comparable_change_questionnaire_id_question_id'))
    )
    _rewrite_definitions(_as_document)


def downgrade() -> None:
    _rewrite_definitions(_as_fields)
    op.drop_table('comparable_change')
    op.drop_table('questionnaire_draft')
    with op.batch_alter_table('questionnaire') as batch:
        batch.drop_constraint(op.f('fk_questionnaire_published_by_id_staff_user'),
                              type_='foreignkey')
        batch.drop_constraint(op.f('fk_questionnaire_based_on_id_questionnaire'),
                              type_='foreignkey')
        batch.drop_column('standard_changes')
        batch.drop_column('change_note')
        batch.drop_column('published_by_id')
        batch.drop_column('based_on_id')


def _rewrite_definitions(convert) -> None:
    connection = op.get_bind()
    for row in connection.execute(sa.select(questionnaire.c.id, questionnaire.c.definition)):
        if isinstance(row.definition, dict) and row.definition.get("pages"):
            connection.execute(questionnaire.update().where(questionnaire.c.id == row.id)
                               .values(definition=convert(row.definition)))


# Until now `definition` held the loaded questionnaire's fields (dataclasses.asdict); from here it
# holds the document itself, the mapping a definition file holds. Both directions, as they stood.

def _as_document(fields: dict) -> dict:
    if "source" not in fields:
        return fields  # already a document: the fields always name their source, even as None
    document = {"id": fields["id"], "version": fields["version"], "title": fields["title"]}
    if fields.get("description"):
        document["description"] = fields["description"]
    if fields.get("minutes") is not None:
        document["minutes"] = fields["minutes"]
    document["pages"] = [_page_document(page) for page in fields["pages"]]
    return document


def _page_document(page: dict) -> dict:
    raw = {"id": page["id"], "title": page["title"]}
    if page.get("intro"):
        raw["intro"] = page["intro"]
    if page.get("show_if"):
        raw["show_if"] = _condition_document(page["show_if"])
    raw["questions"] = [_question_document(q) for q in page["questions"]]
    return raw


def _question_document(question: dict) -> dict:
    raw = {"id": question["id"], "type": question["type"], "text": question["text"]}
    for key in ("hint", "error_message"):
        if question.get(key):
            raw[key] = question[key]
    if question.get("required"):
        raw["required"] = True
    if question.get("options_from"):
        raw["options_from"] = question["options_from"]
    elif question.get("options"):
        raw["options"] = [{"code": o["code"], "label": o["label"],
                           **({"exclusive": True} if o.get("exclusive") else {})}
                          for o in question["options"]]
    if question.get("rows"):
        raw["rows"] = [{"id": r["id"], "text": r["text"]} for r in question["rows"]]
    for key in ("min", "max", "max_length"):
        if question.get(key) is not None:
            raw[key] = question[key]
    if question.get("show_if"):
        raw["show_if"] = _condition_document(question["show_if"])
    return raw


def _condition_document(condition: dict) -> dict:
    if condition["kind"] in ("all", "any"):
        return {condition["kind"]: [_condition_document(c) for c in condition["conditions"]]}
    codes = list(condition["codes"]) if condition["kind"] == "in" else condition["codes"][0]
    return {"question": condition["question"], condition["kind"]: codes}


def _as_fields(document: dict) -> dict:
    if "source" in document:
        return document
    return {"id": document["id"], "version": document["version"], "title": document["title"],
            "description": document.get("description"), "source": None,
            "minutes": document.get("minutes"),
            "pages": [{"id": p["id"], "title": p["title"], "intro": p.get("intro"),
                       "show_if": _condition_fields(p.get("show_if")),
                       "questions": [_question_fields(q) for q in p["questions"]]}
                      for p in document["pages"]]}


_DEFAULT_MAX_LENGTH = {"text": 100, "long_text": 500}


def _question_fields(raw: dict) -> dict:
    return {"id": raw["id"], "type": raw["type"], "text": raw["text"], "hint": raw.get("hint"),
            "required": raw.get("required", False),
            "options": [{"code": o["code"], "label": o["label"],
                         "exclusive": o.get("exclusive", False)} for o in raw.get("options", [])],
            "options_from": raw.get("options_from"),
            "rows": [{"id": r["id"], "text": r["text"]} for r in raw.get("rows", [])],
            "min": raw.get("min"), "max": raw.get("max"),
            "max_length": raw.get("max_length", _DEFAULT_MAX_LENGTH.get(raw["type"])),
            "show_if": _condition_fields(raw.get("show_if")),
            "error_message": raw.get("error_message")}


def _condition_fields(raw: dict | None) -> dict | None:
    if raw is None:
        return None
    for kind in ("all", "any"):
        if kind in raw:
            return {"kind": kind, "question": None, "codes": [],
                    "conditions": [_condition_fields(c) for c in raw[kind]]}
    kind = next(k for k in ("equals", "in", "includes") if k in raw)
    codes = raw[kind] if isinstance(raw[kind], list) else [raw[kind]]
    return {"kind": kind, "question": raw["question"], "codes": codes, "conditions": []}
