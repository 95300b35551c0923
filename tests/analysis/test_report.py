"""analysis.report: every printed number is read out of the engine's tables, small bases are
kept and marked, and the dashboard tables agree with the reports."""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import UTC, date, datetime

import numpy as np
import pytest

from analysis import InputError, estimate_indicators, rake_weights
from analysis.comparisons import compare_to_rest
from analysis.designs import sample_design
from analysis.gap import perception_gap
from analysis.report import (
    PORTAL_CI,
    RAKE_OPTIONS,
    REPORT_CATALOGUE,
    Place,
    WaveInput,
    analyse_waves,
    authority_report,
    indicator_by_neighbourhood,
    indicators_for,
    neighbourhood_report,
)
from demo.responses import NEIGHBOURHOOD_LIST, generate_responses, population_margins

NOW = datetime(2026, 11, 1, tzinfo=UTC)
PLACES = [Place(n.slug, n.name, n.area_class) for n in NEIGHBOURHOOD_LIST]


def _wave(slug: str, n: int, seed: int, drop_whiteway: bool = False) -> WaveInput:
    frame = generate_responses(n, seed=seed, wave=slug)
    if drop_whiteway:  # leave Whiteway with a handful of responses
        idx = frame.index[frame.neighbourhood == "whiteway"]
        frame = frame.drop(idx[8:]).reset_index(drop=True)
    year = int(slug[:4])
    return WaveInput(slug, f"Voicebox {slug}", date(year, 4, 1), date(year + 1, 3, 31), frame)


@pytest.fixture(scope="module")
def margins():
    return population_margins(ethnicity=False)


@pytest.fixture(scope="module")
def waves():
    return [_wave("2008-09", 1500, 1), _wave("2009-10", 1500, 2, drop_whiteway=True)]


@pytest.fixture(scope="module")
def analysis(waves, margins):
    return analyse_waves(waves, margins, PLACES)


def _row(frame, indicator, slug):
    return frame[(frame.indicator == indicator) & frame.group.map(
        lambda g: g is None if slug is None else (isinstance(g, dict)
                                                  and g.get("neighbourhood") == slug))].iloc[0]


def test_headline_numbers_are_the_engines(analysis, waves, margins, plan):
    frame = waves[-1].responses
    weighting = rake_weights(frame, margins, **RAKE_OPTIONS)
    est = estimate_indicators(frame, weighting, REPORT_CATALOGUE, by="neighbourhood", ci=PORTAL_CI)
    report = neighbourhood_report(analysis, "twerton", generated_at=NOW, targets=plan)
    local, total = _row(est, "ni21", "twerton"), _row(est, "ni21", None)
    h = report.headline
    assert (h.local.estimate, h.local.ci_lower, h.local.ci_upper, h.local.n) == (
        local.estimate, local.ci_lower, local.ci_upper, local.n)
    assert (h.authority.estimate, h.authority.n) == (total.estimate, total.n)
    assert (h.baseline, h.target, h.target_wave) == (0.255, 0.325, "2010-11")
    untargeted = neighbourhood_report(analysis, "twerton", generated_at=NOW).headline
    assert untargeted.target is None and untargeted.local == h.local
    assert untargeted.target_sentence == "The partnership has set no target for NI 21 to compare with."
    rest = compare_to_rest(frame, weighting, "ni21", catalogue=REPORT_CATALOGUE)
    twerton = rest[rest.group.map(lambda g: g["neighbourhood"] == "twerton")].iloc[0]
    assert h.versus_authority.p_value == twerton.p_adjusted
    assert h.versus_authority.significant == twerton.significant
    assert ("not statistically significant" in h.versus_authority.sentence) != twerton.significant
    gap = perception_gap(frame, weighting, REPORT_CATALOGUE, by="neighbourhood")
    burglary = gap[(gap.crime == "burglary") & gap.group.map(
        lambda g: isinstance(g, dict) and g["neighbourhood"] == "twerton")].iloc[0]
    assert report.gap[0].ratio == burglary.ratio


def test_trend_and_change_cover_every_wave(analysis):
    report = neighbourhood_report(analysis, "twerton", generated_at=NOW)
    assert [p.wave for p in report.trend] == ["2008-09", "2009-10"]
    assert report.previous_wave == "2008-09"
    assert "since 2008-09" in report.headline.change.sentence


def test_small_bases_are_kept_and_marked(analysis):
    report = neighbourhood_report(analysis, "whiteway", generated_at=NOW)
    h = report.headline
    assert h.local.suppressed and h.local.flag == "suppressed" and 0 < h.local.n < 30
    assert h.local.note == "fewer than 30 responses"
    assert "fewer than 30 responses" in h.versus_authority.sentence
    assert "fewer than 30 responses" in h.target_sentence
    assert report.any_suppressed
    # nothing silently dropped: every section row and breakdown category is still there
    assert all(r.local.suppressed for s in report.sections for r in s.rows)
    assert all(len(b.rows) >= 2 for b in report.breakdowns)
    assert all(g.flag == "suppressed" and g.worried is None for g in report.gap)


def test_breakdowns_are_domains_of_the_whole_sample(analysis, waves, margins):
    frame = waves[-1].responses
    weighting = rake_weights(frame, margins, **RAKE_OPTIONS)
    report = authority_report(analysis, name="Authority", generated_at=NOW)
    titles = [b.title for b in report.breakdowns]
    assert titles == ["Age", "Sex", "Ethnicity", "Disability", "Urban or rural"]
    est = estimate_indicators(frame, weighting, REPORT_CATALOGUE, by="sex", indicators=["ni21"],
                              ci=PORTAL_CI)
    female = est[est.group.map(lambda g: isinstance(g, dict) and g["sex"] == "female")].iloc[0]
    sex = report.breakdowns[1]
    assert [f.label for f in sex.rows][:2] == ["Female", "Male"]
    assert sex.rows[0].estimate == pytest.approx(female.estimate, rel=1e-12)


def test_the_authority_ranking_is_sorted_with_suppressed_last(analysis):
    report = authority_report(analysis, name="Authority", generated_at=NOW)
    assert len(report.ranking) == len(PLACES)
    # Whiteway (8 responses) is suppressed, and the smallest other neighbourhood with it, so
    # that the authority minus the published neighbourhoods does not give Whiteway's figure
    hidden = [r for r in report.ranking if r.figure.suppressed]
    assert [r.slug for r in hidden] == sorted(["whiteway", "southdown"])
    assert report.ranking[-len(hidden):] == hidden
    shown = [r.figure.estimate for r in report.ranking[:-len(hidden)]]
    assert shown == sorted(shown, reverse=True)
    assert report.adjustment == "holm"


def test_dashboard_tables_read_the_same_rows(analysis):
    report = neighbourhood_report(analysis, "twerton", generated_at=NOW)
    by_nb = indicator_by_neighbourhood(analysis, "ni21")
    assert by_nb[0].name == "Authority"
    twerton = next(r for r in by_nb if r.key == "twerton")
    assert twerton.figure == report.headline.local.__class__(**{
        **report.headline.local.__dict__, "label": "Twerton"})
    items = {r.key: r for r in indicators_for(analysis, "twerton")}
    assert items["ni21"].figure.estimate == report.headline.local.estimate
    with pytest.raises(InputError, match="choose from"):
        indicator_by_neighbourhood(analysis, "ni999")


def test_unknown_neighbourhood_names_the_choices(analysis):
    with pytest.raises(InputError, match="choose from: bath-city-centre, bathavon"):
        neighbourhood_report(analysis, "atlantis", generated_at=NOW)


def test_a_wave_without_responses_is_refused(margins):
    empty = _wave("2010-11", 0, 3)
    with pytest.raises(InputError, match="no responses"):
        analyse_waves([empty], margins, PLACES)


def _groups(*suppressed: bool):
    from analysis.report import Figure

    return [Figure(f"group {i}", None if s else 0.4, None if s else 0.3, None if s else 0.5,
                   10 if s else 80, "suppressed" if s else None) for i, s in enumerate(suppressed)]


@pytest.mark.parametrize(("flags", "sentence"), [
    ((True,), "The one group had fewer than 30 responses, so it is not shown."),
    ((True, True), "Both groups had fewer than 30 responses, so neither is shown."),
    ((True,) * 6, "All 6 groups had fewer than 30 responses, so none is shown."),
    ((True, False, True), None),
    ((), None),
])
def test_an_all_suppressed_breakdown_is_said_in_one_sentence(flags, sentence):
    from analysis.report import Breakdown

    breakdown = Breakdown("age_band", "Age", _groups(*flags))
    assert breakdown.all_suppressed is (sentence is not None)
    if sentence:
        assert breakdown.suppressed_sentence(30) == sentence


@pytest.mark.parametrize(("flags", "shown", "sentence"), [
    ((True, False, True), ["group 1"],
     "group 0 and group 2 each had fewer than 30 responses, so they are not shown."),
    ((False, True, True, True), ["group 0"],
     "group 1, group 2 and group 3 each had fewer than 30 responses, so they are not shown."),
    ((True, False), None, ""),  # half: the table keeps every row
    ((False, False, True), None, ""),
    ((True, True), None, ""),  # all: said in one sentence instead (above)
])
def test_a_mostly_suppressed_breakdown_lists_the_groups_shown_and_names_the_rest(flags, shown,
                                                                                 sentence):
    from analysis.report import Breakdown

    breakdown = Breakdown("ethnicity", "Ethnicity", _groups(*flags))
    assert breakdown.mostly_suppressed is (shown is not None)
    assert [f.label for f in breakdown.table_rows] == (shown or [f.label for f in breakdown.rows])
    assert breakdown.hidden_sentence(30) == sentence


def test_groups_are_called_small_only_when_they_are(analysis):
    from dataclasses import replace

    from analysis.report import Breakdown

    report = authority_report(analysis, name="Authority", generated_at=NOW)
    big = [Breakdown("sex", "Sex", _groups(False, False))]
    assert replace(report, breakdowns=big).breakdown_note == ""
    some = [Breakdown("sex", "Sex", _groups(False, False, True))]
    assert replace(report, breakdowns=some).breakdown_note.startswith("Some groups are small")
    most = [Breakdown("sex", "Sex", _groups(True, False, True))]
    assert replace(report, breakdowns=most).breakdown_note.startswith("Groups are small")


@pytest.mark.parametrize(("share", "base", "suppressed", "low_base"), [
    (0.0, 1, True, False), (1.0, 2, True, False), (0.5, 4, True, False), (None, 0, True, False),
    (0.6, 5, False, True), (0.9, 9, False, True), (0.75, 10, False, False),
])
def test_shares_of_records_follow_a_small_base_rule(share, base, suppressed, low_base):
    from analysis.report import counted_share

    shown = counted_share(share, base)
    assert (shown.suppressed, shown.low_base) == (suppressed, low_base)


def test_a_wave_years_after_the_last_is_not_compared_with_it(margins):
    old, new = _wave("2010-11", 900, seed=3), _wave("2026-27", 900, seed=4)
    analysis = analyse_waves([old, new], margins, PLACES)
    assert analysis.previous is None and analysis.change is None
    assert [h.wave.slug for h in analysis.history] == ["2010-11"]  # still on the trend
    report = neighbourhood_report(analysis, "twerton", generated_at=NOW)
    assert report.previous_wave is None and report.headline.change is None
    assert report.change_note == ("No change is given: the wave before, 2010-11, ended 15 years "
                                  "before this one began.")
    assert [p.opens_on for p in report.trend] == [date(2010, 4, 1), date(2026, 4, 1)]
    consecutive = analyse_waves([_wave("2009-10", 900, seed=3), old], margins, PLACES)
    assert consecutive.previous is not None and consecutive.change is not None


def test_a_group_withheld_beside_a_small_one_is_not_called_small():
    """Secondary suppression withholds a group with a base of its own: the sentence says why."""
    from dataclasses import replace

    from analysis.formatting import WITHHELD
    from analysis.report import Breakdown

    groups = _groups(True, False, True)
    groups[2] = replace(groups[2], note=WITHHELD, n=45)
    sentence = Breakdown("ethnicity", "Ethnicity", groups).hidden_sentence(30)
    assert sentence == ("group 0 had fewer than 30 responses, so it is not shown. group 2 is "
                        "withheld so that it cannot be worked out from the total.")


def test_a_stratified_wave_keeps_its_estimates_and_takes_the_designs_standard_errors(waves,
                                                                                    margins):
    simple = analyse_waves(waves, margins, PLACES)
    stratified = analyse_waves([dataclasses.replace(w, design="stratified") for w in waves],
                               margins, PLACES)
    a, b = simple.current.estimates, stratified.current.estimates
    np.testing.assert_allclose(b["estimate"].astype(float), a["estimate"].astype(float), rtol=1e-12)
    assert not np.allclose(b["se"].astype(float), a["se"].astype(float), rtol=1e-6, equal_nan=True)
    assert simple.fingerprint != stratified.fingerprint  # a cached analysis is not reused
    # the same numbers as the engine given the strata and fpc columns by hand
    wave = waves[-1]
    totals = margins[margins.variable == "neighbourhood"].set_index("category")["population"]
    frame = wave.responses.assign(fpc=wave.responses["neighbourhood"].map(totals))
    design = sample_design(rake_weights(wave.responses, margins, **RAKE_OPTIONS), frame,
                           strata="neighbourhood", fpc="fpc", lonely_psu="adjust")
    by_hand = estimate_indicators(wave.responses, design, REPORT_CATALOGUE, by="neighbourhood",
                                  ci=PORTAL_CI)
    ni21 = _row(b, "ni21", None)
    assert ni21.se == pytest.approx(_row(by_hand, "ni21", None).se, rel=1e-12)
    assert ni21.df == ni21.n - margins[margins.variable == "neighbourhood"].shape[0]  # R's degf


def test_r_gives_a_stratified_waves_standard_error(waves, margins, rscript, tmp_path,
                                                   monkeypatch):
    """R: svydesign(strata = ~neighbourhood, fpc = ~population), then rake() as the portal does
    (on the responses that gave every weighting variable: R has no rule for those who did not)."""
    given = waves[0].responses
    given = given[(given.age_band != "prefer_not_to_say") & (given.sex != "prefer_not_to_say")]
    wave = dataclasses.replace(waves[0], design="stratified", responses=given.reset_index(drop=True))
    # raked to convergence on both sides, so that 1e-8 compares the design, not R's stopping rule
    monkeypatch.setitem(RAKE_OPTIONS, "epsilon", 1e-10)
    totals = margins[margins.variable == "neighbourhood"].set_index("category")["population"]
    wave.responses.assign(population=wave.responses["neighbourhood"].map(totals)).to_csv(
        tmp_path / "d.csv", index=False)
    margins.to_csv(tmp_path / "m.csv", index=False)
    ours = analyse_waves([wave], margins, PLACES).current.estimates
    script = f"""
suppressMessages(library(survey))
d <- read.csv("{tmp_path / 'd.csv'}", colClasses = "character", na.strings = "")
d$population <- as.numeric(d$population)
m <- read.csv("{tmp_path / 'm.csv'}", colClasses = c(population = "numeric"))
pop <- lapply(c("age_band", "sex", "neighbourhood"), function(v) {{
  x <- m[m$variable == v, c("category", "population")]; names(x) <- c(v, "Freq"); x }})
des <- svydesign(ids = ~1, strata = ~neighbourhood, fpc = ~population, data = d)
des <- rake(des, list(~age_band, ~sex, ~neighbourhood), pop, control = list(maxit = 100, epsilon = 1e-10))
q <- d$police_council_dealing
des$variables$vv <- !is.na(q) & q != "dont_know"
des$variables$yy <- as.numeric(des$variables$vv & q %in% c("strongly_agree", "tend_to_agree"))
m <- svymean(~yy, subset(des, vv))
cat(sprintf("%.17g %.17g", coef(m)[[1]], SE(m)[[1]]))
"""
    out = subprocess.run([rscript, "-e", script], capture_output=True, text=True, check=True)
    estimate, se = map(float, out.stdout.split())
    row = _row(ours, "ni21", None)
    assert row.estimate == pytest.approx(estimate, rel=1e-10)
    assert row.se == pytest.approx(se, rel=1e-8)
