"""Secondary suppression: no published total lets a suppressed cell be worked out by subtraction.

Methodology ("Disclosure and small bases"): an estimate on fewer than ``suppress_below`` responses
is suppressed, and no published table lets a suppressed cell be worked out from its row or column
totals. A total is a weighted mean of its parts (and of any respondents in no part, e.g. a blank
answer), so with the total, the published parts and their bases printed, the unpublished remainder
is recovered to within the weighting: total x n_total minus the sum of part x n_part, over the
remainder's base. The rule, for every relation "total = parts" in which any cell is suppressed:

    remainder = n(total) - sum of n(published parts)  must be at least ``suppress_below``;

otherwise the smallest published part is suppressed too, and again, until it is (or no part is left
published). The same formula covers a suppressed total: the published parts must not add up to it.
Relations are checked until none changes (a cell suppressed for one relation may open another).
Bases are unweighted counts, as the primary rule.

:func:`secondary_suppression` decides it for plain keys; :func:`suppress_complements` applies it
to an ``estimate_indicators`` table (every indicator: neighbourhoods within the authority, groups
within their total). Every surface (PDF, dashboard, API, open data, results pages) reads tables
that went through it, in :func:`analysis.report.analyse_waves`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.formatting import WITHHELD

SHOWN_COLUMNS = ("estimate", "se", "ci_lower", "ci_upper", "effective_n", "design_effect",
                 "weighted_base")


@dataclass(frozen=True)
class Relation:
    """A published total and the parts it is made of (keys of the bases mapping)."""

    total: Hashable
    parts: tuple[Hashable, ...]


def remainder(bases: Mapping[Hashable, int], suppressed: Iterable[Hashable],
              relation: Relation) -> int:
    """n(total) minus the bases of the relation's published parts: what subtraction recovers."""
    hidden = set(suppressed)
    return int(bases[relation.total]) - sum(int(bases[p]) for p in relation.parts
                                            if p not in hidden)


def leaks(bases: Mapping[Hashable, int], suppressed: Iterable[Hashable],
          relations: Sequence[Relation], threshold: int) -> list[tuple[Relation, int]]:
    """The relations in which a suppressed cell can be worked out, with their remainder."""
    hidden = set(suppressed)
    out = []
    for rel in relations:
        if not any(c in hidden for c in (rel.total, *rel.parts)):
            continue
        rest = remainder(bases, hidden, rel)
        if rest < threshold and any(p not in hidden for p in rel.parts):
            out.append((rel, rest))
    return out


def secondary_suppression(bases: Mapping[Hashable, int], suppressed: Iterable[Hashable],
                          relations: Sequence[Relation], threshold: int) -> frozenset:
    """Every cell to suppress: ``suppressed`` plus the fewest smallest parts that stop subtraction.

    ``bases``: unweighted base of every cell; ``suppressed``: the cells suppressed for their own
    base; ``relations``: each published total with its parts. Deterministic: ties between parts
    of equal base go to the first in the relation's order.
    """
    hidden = set(suppressed)
    changed = True
    while changed:
        changed = False
        for rel in relations:
            if not any(c in hidden for c in (rel.total, *rel.parts)):
                continue
            while remainder(bases, hidden, rel) < threshold:
                shown = [p for p in rel.parts if p not in hidden]
                if not shown:
                    break
                hidden.add(min(shown, key=lambda p: int(bases[p])))
                changed = True
    return frozenset(hidden)


def suppress_complements(table: pd.DataFrame, relations_of, threshold: int,
                         hide: bool = True) -> pd.DataFrame:
    """``table`` (rows of ``estimate_indicators``) with secondary suppression applied.

    ``relations_of(keys)`` gives the relations among one indicator's cells, a cell key being its
    group value (None for the whole sample). A cell suppressed here gets the flag ``suppressed``
    and the note :data:`analysis.formatting.WITHHELD`; with ``hide`` False (analysts' tables) its
    numbers stay, flagged, as for primary suppression.
    """
    if not len(table):
        return table
    out = table.copy()
    keys = out["group"].map(_key)
    counts: dict = dict(zip(out.index, out["n"].astype(int).tolist(), strict=True))
    for _indicator, rows in out.groupby("indicator", sort=False):
        at = {keys[i]: i for i in rows.index}
        bases: dict[Hashable, int] = {k: counts[i] for k, i in at.items()}
        primary = {k for k, i in at.items() if out.at[i, "flag"] == "suppressed"}
        relations = [r for r in relations_of(list(at)) if r.total in at
                     and all(p in at for p in r.parts)]
        for k in secondary_suppression(bases, primary, relations, threshold) - primary:
            i = at[k]
            out.at[i, "flag"] = "suppressed"
            out.at[i, "note"] = WITHHELD
            if hide:
                for col in SHOWN_COLUMNS:
                    if col in out.columns:
                        out.at[i, col] = None
    return out


def _key(group) -> Hashable:
    """A row's group as a key: None for the whole sample, else (variable, value)."""
    if group is None or group != group or not isinstance(group, dict):
        return None
    return next(iter(group.items()))


__all__ = ["Relation", "leaks", "remainder", "secondary_suppression", "suppress_complements"]
