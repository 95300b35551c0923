"""The comparator table in force: the shipped CSV until an admin imports their own, which is kept
in the database (an edited definition, like the scorecard's targets) so every server reads the
same. An import replaces the whole table or nothing, and is audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from analysis.comparators import COMPARATORS_FILE, Comparator, read_comparators
from portal.core import audit
from portal.core.clock import utcnow
from portal.models import EditedDefinition

DEFINITION = "comparators"


def table_text(session: Session) -> str:
    """The CSV in force: the admin's, or the one shipped with the engine."""
    stored = session.get(EditedDefinition, DEFINITION)
    return stored.content if stored else COMPARATORS_FILE.read_text(encoding="utf-8")


def current_comparators(session: Session) -> list[Comparator]:
    return read_comparators(table_text(session))


def save_table(session: Session, text: str, user_id: int | None) -> list[Comparator]:
    """Check every row (ComparatorError naming the line) before storing anything; audited."""
    rows = read_comparators(text)
    stored = session.get(EditedDefinition, DEFINITION) or EditedDefinition(name=DEFINITION)
    stored.content, stored.updated_by_id, stored.updated_at = text, user_id, utcnow()
    session.add(stored)
    audit.record(session, "comparators_saved", "definition", DEFINITION, rows=len(rows))
    return rows


def reset_table(session: Session) -> None:
    """Back to the shipped table; audited."""
    stored = session.get(EditedDefinition, DEFINITION)
    if stored is not None:
        session.delete(stored)
        audit.record(session, "comparators_reset", "definition", DEFINITION)
