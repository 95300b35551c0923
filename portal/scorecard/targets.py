"""The partnership's own Local Area Agreement targets: YAML an admin writes at Set-up > Targets
(or `flask --app portal scorecard targets FILE`), kept in the database so every server reads the
same. An install starts with none: the scorecard then says so, and NI 21 is reported without a
target. The demo loads its plan's targets (`demo/laa-targets.yaml`) the same way."""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy.orm import Session

from analysis.scorecard import NO_TARGETS, Scorecard, parse_scorecard
from portal.core import audit
from portal.core.clock import utcnow
from portal.models import EditedDefinition

DEFINITION = "laa-targets"
SOURCE = "The targets"

# What an admin starts from: the layout, with the engine's NI 21 as the one survey line.
EXAMPLE = """\
# Years are financial years ("2024/25"). Values are in the indicator's unit; percentages as per
# cent numbers (25.5 for 25.5%). `source` says where actuals come from: survey (from the survey
# engine; the id must be one of its indicators, such as ni21), recorded_crime (NI 16, from the
# recorded crime loaded at Crime) or entered (by an admin on the scorecard page).
partnership: Our Community Safety Partnership
years: ["2024/25", "2025/26", "2026/27"]
indicators:
  - id: ni21
    reference: NI 21
    title: Agree the police and council are dealing with the anti-social behaviour and crime that matter
    unit: per cent
    direction: higher
    baseline: {value: 25.0, year: "2023/24"}
    targets: {"2026/27": 30.0}
    lead: [Police, Council]
    source: survey
"""


def targets_text(session: Session) -> EditedDefinition | None:
    """The stored targets, or None when the partnership has set none."""
    return session.get(EditedDefinition, DEFINITION)


def current_targets(session: Session) -> Scorecard:
    """The partnership's targets, parsed once per request; NO_TARGETS when none are set."""
    if has_app_context() and "targets" in g:
        return g.targets
    stored = targets_text(session)
    card = parse_scorecard(stored.content, SOURCE) if stored else NO_TARGETS
    if has_app_context():
        g.targets = card
    return card


def save_targets(session: Session, text: str, user_id: int | None) -> Scorecard:
    """Check and store the targets (InputError naming the entry and field that is wrong); audited."""
    card = parse_scorecard(text, SOURCE)
    stored = targets_text(session) or EditedDefinition(name=DEFINITION)
    stored.content, stored.updated_by_id, stored.updated_at = text, user_id, utcnow()
    session.add(stored)
    audit.record(session, "targets_saved", "definition", DEFINITION,
                 indicators=len(card.indicators), years=len(card.years))
    _forget()
    return card


def clear_targets(session: Session) -> None:
    """Remove the targets: the scorecard is empty and NI 21 has no target again; audited."""
    stored = targets_text(session)
    if stored is not None:
        session.delete(stored)
        audit.record(session, "targets_cleared", "definition", DEFINITION)
    _forget()


def _forget() -> None:
    if has_app_context():
        g.pop("targets", None)
