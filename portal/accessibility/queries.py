"""portal.accessibility.queries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models import AccessibilityStatement


def saved_statement(session: Session) -> AccessibilityStatement | None:
    return session.get(AccessibilityStatement, 1)
