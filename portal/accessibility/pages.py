"""What the accessibility statement shows, as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.accessibility.queries import saved_statement
from portal.accessibility.statement import AXE_RULE_TAGS, DEFAULT_ITEMS
from portal.models import ComplianceStatus


@dataclass(frozen=True)
class StatementPage:
    status: ComplianceStatus
    items: list[dict[str, str]]
    prepared_on: date | None  # None until an admin has saved the statement
    reviewed_on: date | None
    axe_tags: tuple[str, ...]

    @property
    def wcag_22_tags(self) -> str:
        return ", ".join(self.axe_tags)


def statement_page(session: Session, config: Mapping) -> StatementPage:
    row = saved_statement(session)
    if row is None:
        return StatementPage(ComplianceStatus(config["ACCESSIBILITY_STATUS"]),
                             [dict(item) for item in DEFAULT_ITEMS], None, None, AXE_RULE_TAGS)
    return StatementPage(row.status, list(row.items or []), row.prepared_on, row.reviewed_on,
                         AXE_RULE_TAGS)
