"""analysis.disclosure: secondary suppression, so that no published total lets a suppressed cell
be worked out by subtraction (methodology, "Disclosure and small bases")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from analysis.disclosure import Relation, leaks, secondary_suppression, suppress_complements
from analysis.formatting import WITHHELD
from analysis.report import Place, WaveInput, _relations, analyse_waves
from demo.responses import NEIGHBOURHOOD_LIST, generate_responses, population_margins

T = 30


def test_one_suppressed_group_beside_its_total_takes_the_smallest_other_with_it():
    # Widcombe 2010/11 by disability: Disabled (23) suppressed; total, Not disabled printed.
    bases = {None: 178, "disabled": 23, "not_disabled": 150, "prefer_not": 5}
    rel = [Relation(None, ("disabled", "not_disabled", "prefer_not"))]
    assert leaks(bases, {"disabled", "prefer_not"}, rel, T) == [(rel[0], 28)]
    hidden = secondary_suppression(bases, {"disabled", "prefer_not"}, rel, T)
    assert hidden == {"disabled", "prefer_not", "not_disabled"}
    assert not leaks(bases, hidden, rel, T)


def test_a_remainder_of_the_threshold_is_enough():
    bases = {None: 200, "a": 20, "b": 15, "c": 165}
    rel = [Relation(None, ("a", "b", "c"))]
    assert secondary_suppression(bases, {"a"}, rel, T) == {"a", "b"}  # 35 >= 30: c stays
    assert not leaks(bases, {"a", "b"}, rel, T)


def test_blank_answers_count_in_the_remainder():
    # 12 respondents gave no answer: with a (20) suppressed the remainder is 32, not 20.
    bases = {None: 200, "a": 20, "c": 168}
    assert secondary_suppression(bases, {"a"}, [Relation(None, ("a", "c"))], T) == {"a"}


def test_a_suppressed_total_is_not_rebuilt_from_its_parts():
    bases = {"nb": 60, "f": 31, "m": 29}
    rel = [Relation("nb", ("f", "m"))]
    assert secondary_suppression(bases, {"nb", "m"}, rel, T) == {"nb", "m", "f"}


def test_relations_are_checked_until_none_changes():
    # rows (neighbourhood over sex) and columns (authority sex over neighbourhoods)
    bases = {None: 400, "x": 100, "y": 300, "xf": 20, "xm": 80, "yf": 150, "ym": 150,
             "f": 170, "m": 230}
    rel = [Relation(None, ("x", "y")), Relation(None, ("f", "m")), Relation("x", ("xf", "xm")),
           Relation("y", ("yf", "ym")), Relation("f", ("xf", "yf")), Relation("m", ("xm", "ym"))]
    hidden = secondary_suppression(bases, {"xf"}, rel, T)
    assert hidden == {"xf", "xm", "yf"}  # x's row takes xm; the f column takes yf
    assert not leaks(bases, hidden, rel, T)


def test_suppress_complements_withholds_the_numbers_and_says_why():
    table = pd.DataFrame([
        {"indicator": "ni21", "group": None, "estimate": 0.3, "se": 0.01, "ci_lower": 0.28,
         "ci_upper": 0.32, "n": 200, "flag": None, "note": None},
        {"indicator": "ni21", "group": {"neighbourhood": "a"}, "estimate": None, "se": None,
         "ci_lower": None, "ci_upper": None, "n": 20, "flag": "suppressed",
         "note": "fewer than 30 responses"},
        {"indicator": "ni21", "group": {"neighbourhood": "b"}, "estimate": 0.3, "se": 0.05,
         "ci_lower": 0.2, "ci_upper": 0.4, "n": 180, "flag": None, "note": None},
    ])
    out = suppress_complements(table, lambda keys: _relations(keys, {}), T)
    b = out.iloc[2]
    assert (b["flag"], b["note"]) == ("suppressed", WITHHELD)
    assert pd.isna(b["estimate"]) and pd.isna(b["ci_lower"]) and pd.isna(b["se"])
    assert out.iloc[0]["estimate"] == 0.3
    kept = suppress_complements(table, lambda keys: _relations(keys, {}), T, hide=False)
    assert kept.iloc[2]["flag"] == "suppressed" and kept.iloc[2]["estimate"] == 0.3


# --------------------------------------------------------------------------- every subtraction


def _cell(g):
    return None if not isinstance(g, dict) else next(iter(g.items()))


def _check_every_subtraction(table: pd.DataFrame, relations_of):
    """For each indicator and each total: a suppressed cell cannot be recovered from the total
    minus the published parts (their combined unpublished base is at least the threshold)."""
    tried = 0
    for _ind, rows in table.groupby("indicator", sort=False):
        keys = [_cell(g) for g in rows["group"]]
        bases = dict(zip(keys, rows["n"].astype(int), strict=True))
        hidden = {k for k, f, e in zip(keys, rows["flag"], rows["estimate"], strict=True)
                  if f == "suppressed" or e is None or e != e}
        rels = [r for r in relations_of(keys) if r.total in bases
                and all(p in bases for p in r.parts)]
        assert not leaks(bases, hidden, rels, T), _ind
        tried += sum(1 for r in rels if any(c in hidden for c in (r.total, *r.parts)))
    return tried


@pytest.fixture(scope="module")
def analysis():
    places = [Place(n.slug, n.name, n.area_class) for n in NEIGHBOURHOOD_LIST]
    frame = generate_responses(900, seed=5, wave="2010-11")
    wave = WaveInput("2010-11", "Voicebox 2010-11", date(2010, 4, 1), date(2011, 3, 31), frame)
    return analyse_waves([wave], population_margins(ethnicity=False), places), places


def test_no_published_table_of_the_report_data_lets_a_suppressed_cell_be_worked_out(analysis):
    result, places = analysis
    classes = {p.slug: p.area_class for p in places}
    tried = _check_every_subtraction(result.current.estimates, lambda k: _relations(k, {}))
    est = result.current.estimates
    ni21 = pd.concat([result.breakdowns,
                      est[est.indicator.eq("ni21") & est.group.map(lambda g: isinstance(g, dict))]])
    tried += _check_every_subtraction(ni21, lambda k: _relations(k, classes))
    assert tried > 10  # the sample is small enough that many totals hold suppressed cells
    assert (result.breakdowns["note"] == WITHHELD).any()


def test_the_gap_table_prints_nothing_the_indicator_tables_withhold(analysis):
    result, _ = analysis
    for r in result.gap.to_dict("records"):
        slug = r["group"].get("neighbourhood") if isinstance(r["group"], dict) else None
        for ind in (f"worry_{r['crime']}", f"victim_{r['crime']}"):
            row = result.current.row(ind, slug)
            if row is not None and row["flag"] == "suppressed":
                assert pd.isna(r["worried"]) and pd.isna(r["victim"])


NOW = datetime(2026, 11, 1, tzinfo=UTC)
