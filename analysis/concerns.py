"""Survey findings beside PACT priorities: a neighbourhood's concerns ranked, and the ones no
active priority addresses.

A concern is an indicator of the report catalogue (an anti-social behaviour strand or a worry
measure) whose estimate is the weighted share of residents who see it as a problem or worry
about it. Concerns are ranked by that share (suppressed ones last); a concern that is
significantly above the rest of the authority (the engine's Holm-adjusted comparison) or among
the top three, and that no active priority addresses, is flagged "No current priority" with a
one-line suggestion for the next meeting's agenda. Which PACT issue categories and priority
topics address which concern is data (``definitions/concerns-and-priorities.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.errors import InputError
from analysis.formatting import percent
from analysis.yaml_text import load_typed_yaml

MAPPING_FILE = Path(__file__).resolve().parent / "definitions" / "concerns-and-priorities.yaml"
TOP = 3
NO_PRIORITY = "No current priority"


@dataclass(frozen=True)
class Concern:
    id: str
    label: str
    categories: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class PriorityTopic:
    """An active PACT priority: its title and the categories of the issues linked to it."""

    title: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class ConcernRow:
    concern: Concern
    figure: object  # analysis.report.Figure
    authority: object  # analysis.report.Figure
    versus_authority: object | None  # analysis.report.Comparison
    rank: int
    significantly_above: bool
    addressed_by: tuple[str, ...]  # titles of the active priorities addressing it
    flagged: bool
    suggestion: str


def load_concerns(path: Path | str = MAPPING_FILE, known: set[str] | None = None) -> list[Concern]:
    """The concerns in file order; InputError naming what is wrong (``known``: valid ids)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read the concerns mapping {path}: {error}") from None
    return parse_concerns(text, str(path), known)


def parse_concerns(text: str, source: str = "the mapping", known: set[str] | None = None
                   ) -> list[Concern]:
    """The concerns of a YAML mapping (the file's text, or an admin's edited copy)."""
    raw = load_typed_yaml(text, source)
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"{source}: expected indicator ids as keys")
    out = []
    for key, entry in raw.items():
        if known is not None and key not in known:
            raise InputError(f"{source}: unknown indicator {key!r}; choose from: "
                             + ", ".join(sorted(known)))
        if not isinstance(entry, dict) or not entry.get("label"):
            raise InputError(f"{source}: {key} needs a label")
        for name in ("categories", "topics"):
            if not isinstance(entry.get(name) or [], list):
                raise InputError(f"{source}: {key}: {name} must be a list")
        out.append(Concern(str(key), str(entry["label"]),
                           tuple(entry.get("categories") or ()),
                           tuple(str(t).lower() for t in entry.get("topics") or ())))
    return out


def addressing(concern: Concern, priorities: list[PriorityTopic]) -> tuple[str, ...]:
    """Titles of the priorities that address ``concern`` (by issue category or title topic)."""
    found = []
    for p in priorities:
        title = p.title.lower()
        if set(p.categories) & set(concern.categories) or any(t in title for t in concern.topics):
            found.append(p.title)
    return tuple(found)


def rank_concerns(concerns: list[Concern], figures: dict, authority: dict, comparisons: dict,
                  priorities: list[PriorityTopic], area: str) -> list[ConcernRow]:
    """Concerns of one neighbourhood ranked by share, each marked and flagged (module docstring).

    ``figures``/``authority``: {concern id: Figure}; ``comparisons``: {concern id: Comparison
    against the rest of the authority, or None}. Concerns without a figure are left out.
    """
    present = [c for c in concerns if c.id in figures]
    order = sorted(present, key=lambda c: (figures[c.id].estimate is None,
                                           -(figures[c.id].estimate or 0), c.label))
    rows = []
    for rank, concern in enumerate(order, 1):
        fig, comp = figures[concern.id], comparisons.get(concern.id)
        above = bool(comp is not None and comp.significant and (comp.difference or 0) > 0)
        top = rank <= TOP and fig.estimate is not None
        by = addressing(concern, priorities)
        flagged = (above or top) and not by
        rows.append(ConcernRow(concern, fig, authority.get(concern.id), comp, rank, above, by,
                               flagged, _suggestion(concern, fig, authority.get(concern.id), area,
                                                    above) if flagged else ""))
    return rows


def _suggestion(concern: Concern, fig, authority, area: str, above: bool) -> str:
    against = (f", significantly above the authority's {percent(authority.estimate)}" if above
               and authority is not None else "")
    return (f"Put “{concern.label}” on the next PACT meeting's agenda: "
            f"{percent(fig.estimate)} of residents in {area} named it{against}, and no current "
            "priority addresses it.")
