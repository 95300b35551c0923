"""The LAA scorecard: the plan's targets as YAML and the statuses, without a database."""

from __future__ import annotations

import pytest

from analysis.catalogue import CATALOGUE
from analysis.errors import InputError
from analysis.scorecard import (
    NO_TARGETS,
    Actual,
    judge,
    load_scorecard,
    parse_scorecard,
    scorecard_rows,
    with_targets,
    year_start,
)


@pytest.fixture(scope="module")
def card(plan):
    return plan


def test_the_plan_s_appendix_1_is_loaded(card):
    refs = [i.reference for i in card.indicators]
    assert refs[:6] == ["NI 16", "NI 19", "NI 21", "NI 30", "NI 32", "NI 40"]
    assert refs.count("Stretch") == 5  # wounding, common assault and three alcohol treatment
    ni16 = card.indicator("ni16")
    assert (ni16.baseline, ni16.baseline_year, ni16.direction) == (14.06, 2007, "lower")
    assert ni16.targets == {2008: 13.64, 2009: 13.22, 2010: 12.8}
    assert card.indicator("ni21").targets == {2010: 32.5}
    assert card.indicator("wounding").targets == {2009: 515}
    assert card.years == [2008, 2009, 2010]
    assert ni16.printed(13.2) == "13.20" and card.indicator("ni21").printed(25.5) == "25.5%"
    assert card.indicator("ni40").printed(591) == "591"


@pytest.mark.parametrize("indicator, year, value, status", [
    ("ni16", 2008, 13.5, "met"),  # lower is better
    ("ni16", 2008, 13.7, "off track"),
    ("ni40", 2010, 603, "met"),  # higher is better
    ("ni40", 2010, 600, "off track"),
    ("wounding", 2008, 540, "on track"),  # no 08/09 target: path 674 (05/06) -> 515 (09/10)
    ("wounding", 2008, 554, "on track"),
    ("wounding", 2008, 570, "off track"),  # path expects 554.75
    ("wounding", 2010, 500, "on track"),  # after the last target: still reaching it
    ("ni19", 2009, None, "no data"),
])
def test_statuses(card, indicator, year, value, status):
    actual = None if value is None else Actual(value)
    cell = judge(card.indicator(indicator), year, actual)
    assert cell.status == status, cell


def test_ni21_is_judged_as_the_reports_do(card):
    ni21 = card.indicator("ni21")
    assert judge(ni21, 2010, Actual(33.0, 31.0, 35.0, "survey")).status == "met"
    assert judge(ni21, 2009, Actual(29.5, 27.0, 32.0, "survey")).status == "on track"  # path 29.0
    behind = judge(ni21, 2009, Actual(28.0, 26.0, 30.0, "survey"))
    assert (behind.status, behind.detail) == ("behind, within the interval",
                                              "the path expects 29.0%, within the 95% interval")
    assert judge(ni21, 2010, Actual(29.5, 27.0, 32.2, "survey")).status == "off track"


def test_rows_cover_every_indicator_and_year(card):
    rows = scorecard_rows(card, {("ni40", 2008): Actual(590)})
    assert len(rows) == len(card.indicators) and all(len(r.years) == 3 for r in rows)
    ni40 = next(r for r in rows if r.indicator.id == "ni40")
    assert [c.status for c in ni40.years] == ["off track", "no data", "no data"]


@pytest.mark.parametrize("text, message", [
    ("indicators: [{id: x, direction: up, source: entered}]", "x: direction must be one of higher, lower"),
    ("indicators: [{id: x, direction: lower, source: magic}]", "source must be one of survey"),
    ("indicators: [{id: x, direction: lower, source: entered, targets: {'2009': 3}}]",
     "'2009' is not a financial year written like 2009/10"),
    ("years: []", "expected `partnership`, `years` and a list of `indicators`"),
])
def test_bad_targets_files_are_named(tmp_path, text, message):
    path = tmp_path / "targets.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_scorecard(path)
    assert message in str(caught.value)


def test_year_labels():
    assert year_start("2009/10") == year_start("2009-10") == 2009
    with pytest.raises(InputError):
        year_start("2009/11")


def test_the_reports_and_the_scorecard_read_ni21_from_one_targets_file(card):
    """The reports' NI 21 path and the scorecard's come from the same YAML entry, so they cannot drift."""
    from analysis.catalogue import CATALOGUE

    ni21 = card.indicator("ni21")
    judged = with_targets(CATALOGUE, card)["ni21"]
    assert judged.target * 100 == ni21.targets[2010]
    assert judged.baseline * 100 == ni21.baseline
    assert (judged.baseline_wave, judged.target_wave) == ("2008-09", "2010-11")
    assert CATALOGUE["ni21"].target is None  # the catalogue itself names no partnership's target
    assert with_targets(CATALOGUE, NO_TARGETS) == CATALOGUE


def test_targets_written_as_text_are_checked_like_a_file():
    with pytest.raises(InputError, match="ni99 has source survey, but the survey engine has no"):
        parse_scorecard("indicators: [{id: ni99, direction: higher, source: survey}]", "the targets")
    with pytest.raises(InputError, match="per cent numbers between 0 and 100"):
        parse_scorecard("indicators: [{id: ni21, direction: higher, source: survey, unit: per cent,"
                        " targets: {'2010/11': 0.325}, baseline: {value: 125, year: '2008/09'}}]",
                        "the targets")
    with pytest.raises(InputError, match="aliases"):
        parse_scorecard("a: &x [1]\nindicators: *x", "the targets")


def test_ni21_below_the_path_reads_the_same_on_the_scorecard_and_page_1(card):
    """NI 21 2008/09 below the 25.5% the path expects, the interval containing it: one judgement
    (`catalogue.target_status`), one label, on the scorecard and in the report's sentence."""
    from analysis.report import Figure, _target_sentence

    cell = judge(card.indicator("ni21"), 2008, Actual(24.0, 21.5, 26.6, "survey"))
    ni21 = with_targets(CATALOGUE, card)["ni21"]
    sentence = _target_sentence(ni21, Figure("Bath", 0.24, 0.215, 0.266, 900), "2008-09", "Bath")
    assert cell.status.label == "Behind the path, not significantly"
    assert sentence.startswith(cell.status.label + ":")
    assert "below the 25.5% expected by 2008-09" in sentence
    on_track = judge(card.indicator("ni21"), 2008, Actual(26.0, 23.5, 28.6, "survey"))
    assert _target_sentence(ni21, Figure("Bath", 0.26, 0.235, 0.286, 900), "2008-09", "Bath") \
        .startswith(on_track.status.label + ":")
