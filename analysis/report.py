"""Neighbourhood and authority feedback reports as plain data (no Flask, no database).

Two steps, so a batch computes each indicator once per wave and reuses it for every report:

1. :func:`analyse_waves` weights each wave once (rake to the population margins), estimates every
   indicator by neighbourhood as domains of the whole sample (``estimate_indicators(...,
   by="neighbourhood")``), the breakdowns, the perception gap, each neighbourhood against the rest
   of the authority (``compare_to_rest``, Holm-adjusted) and the change from the previous wave
   (``compare_waves``). The result is a :class:`WaveAnalysis`.
2. :func:`neighbourhood_report` / :func:`authority_report` pick that neighbourhood's (or the
   authority's) rows out of the analysis into a :class:`NeighbourhoodReport` /
   :class:`AuthorityReport`: small dataclasses of numbers and sentences that the PDF templates
   and the dashboard print. Nothing here computes an estimate: every number comes from the engine.

Proportions are in 0..1 throughout; suppressed figures (disclosure rules) are ``None`` and carry
their flag and note so that templates mark them visibly.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from analysis.catalogue import (
    ASB_STRANDS,
    BIG_PROBLEM,
    CATALOGUE,
    NO_OPINION,
    Indicator,
    TargetStatus,
    incomparable_indicators,
)
from analysis.catalogue import target_status as _target_status
from analysis.comparisons import compare_to_rest, compare_waves
from analysis.designs import sample_design
from analysis.disclosure import Relation, suppress_complements
from analysis.errors import AnalysisError, InputError
from analysis.estimates import DEFAULT_DISCLOSURE, DisclosureRules, estimate_indicators
from analysis.fear_risk import FearRiskSection
from analysis.formatting import WITHHELD, percent, plural, points, small_base
from analysis.gap import GAP_CRIMES, perception_gap
from analysis.pooled import PooledWave, pooled_indicators
from analysis.scorecard import NO_TARGETS, Scorecard, with_targets
from analysis.weighting import RakedDesign, WeightingResult, rake_weights

HEADLINE_ID = "ni21"
# Raking as R rake() (epsilon: 1 person) but allowed to run to convergence: a neighbourhood with
# very few responses can need more than R's default 10 iterations.
RAKE_OPTIONS: dict[str, Any] = {"epsilon": 1.0, "maxit": 100}
# The portal's intervals: Korn-Graubard where the base is small or the estimate is 0% or 100%,
# logit elsewhere (analysis.estimates.auto_methods; the method note says so).
PORTAL_CI = "auto"
# How a wave's sample was drawn, which its standard errors follow (`wave_design`).
DESIGNS = {
    "simple": "one sample of the whole area (standard errors as for a simple random sample, raked)",
    "stratified": ("a separate sample in each neighbourhood (standard errors stratified by "
                   "neighbourhood, with its 16+ population as the finite population correction)"),
}
# A wave's change is measured from the wave before it only if that ended at most this long before
# it began (an annual survey that skipped a year still compares; one resumed after years does not).
MAX_WAVE_GAP = timedelta(days=2 * 365)

# The NI 17 strands the catalogue does not already hold as indicators (NI 41, NI 42 and the LAA
# teenagers indicator cover three), defined as catalogue data and computed by the engine.
_STRAND_LABELS = {
    "asb_noisy_neighbours": "Noisy neighbours or loud parties a problem",
    "asb_litter": "Rubbish or litter lying around a problem",
    "asb_vandalism": "Vandalism, graffiti and deliberate damage a problem",
    "asb_abandoned_cars": "Abandoned or burnt out cars a problem",
}
STRAND_INDICATORS = {
    q: Indicator(q, label, (q,), BIG_PROBLEM, NO_OPINION, higher_is_better=False,
                 source="NI 17 strand (very or fairly big problem)")
    for q, label in _STRAND_LABELS.items()
}
REPORT_CATALOGUE: dict[str, Indicator] = {**CATALOGUE, **STRAND_INDICATORS}

# Sections of the "other indicators" pages, in print order.
SECTIONS = (
    ("Anti-social behaviour (NI 17 and its strands)",
     ("ni17", "asb_noisy_neighbours", "teenagers", "asb_litter", "asb_vandalism", "ni42",
      "ni41", "asb_abandoned_cars", "ni23")),
    ("Feeling safe", ("safe_after_dark", "safe_during_day")),
    ("Worry about crime", ("worry_any", "very_worried_burglary", "very_worried_car_crime",
                           "very_worried_violent_crime")),
    ("Having a say", ("ni27", "ni4")),
)
_STRAND_ORDER = {q: i for i, q in enumerate(ASB_STRANDS)}

# Breakdowns of NI 21: within a neighbourhood (domains neighbourhood x variable) and authority-wide.
BREAKDOWNS = (
    ("age_band", "Age"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity"),
    ("disability", "Disability"),
    ("language", "Language answered in"),  # shown only where residents answered in more than one
)
LANGUAGE = "language"
AREA_CLASS = ("area_class", "Urban or rural")
CATEGORY_LABELS = {
    "16_24": "16 to 24", "25_34": "25 to 34", "35_44": "35 to 44", "45_54": "45 to 54",
    "55_64": "55 to 64", "65_74": "65 to 74", "75_plus": "75 and over",
    "female": "Female", "male": "Male",
    "white_british": "White British", "white_other": "White other", "mixed": "Mixed",
    "asian_or_asian_british": "Asian or Asian British",
    "black_or_black_british": "Black or Black British", "other_ethnic_group": "Other ethnic group",
    "yes": "Disabled", "no": "Not disabled", "prefer_not_to_say": "Prefer not to say",
    "urban": "Urban", "rural": "Rural",
    "en": "English", "cy": "Welsh",
}
CRIME_LABELS = {"burglary": "Burglary", "car_crime": "Car crime",
                "violent_crime": "Violent crime", "any": "Any of these crimes"}
_NB_PREFIX = "nb__"
_SEP = "|"


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class WaveInput:
    """One wave's responses (wide format) and what the report says about it."""

    slug: str
    name: str
    opens_on: date
    closes_on: date
    responses: pd.DataFrame
    questionnaire: str = ""
    # Standard questions this wave's questionnaire reworded or recoded, not judged comparable: the
    # catalogue refuses every indicator reading them (`catalogue.incomparable_indicators`).
    not_comparable: frozenset[str] = frozenset()
    design: str = "simple"  # a key of DESIGNS


@dataclass(frozen=True)
class Place:
    slug: str
    name: str
    area_class: str = "urban"


# --------------------------------------------------------------------------- printed figures


@dataclass(frozen=True)
class Figure:
    """One estimate as printed: proportion and interval (None when suppressed), base and flag."""

    label: str
    estimate: float | None
    ci_lower: float | None
    ci_upper: float | None
    n: int
    flag: str | None = None
    note: str | None = None
    higher_is_better: bool = True

    @property
    def suppressed(self) -> bool:
        return self.estimate is None

    @property
    def low_base(self) -> bool:
        return self.flag == "low_base"


def _clean(x):
    if x is None:
        return None
    try:
        return None if isinstance(x, float) and math.isnan(x) else x
    except TypeError:  # pragma: no cover - defensive
        return x


def _figure(row, label: str) -> Figure:
    if row is None:
        return Figure(label, None, None, None, 0, "suppressed",
                      small_base(0, DEFAULT_DISCLOSURE.suppress_below))
    return Figure(label, _clean(row["estimate"]), _clean(row["ci_lower"]), _clean(row["ci_upper"]),
                  int(row["n"]), _clean(row["flag"]), _clean(row["note"]),
                  bool(row["higher_is_better"]))


@dataclass(frozen=True)
class Comparison:
    """A difference with its test, as a sentence and numbers (proportions, points in 0..1)."""

    difference: float | None
    p_value: float | None
    significant: bool
    sentence: str
    adjustment: str = ""
    short: str = ""  # for table cells, e.g. "+4.2 points, significant (better)"


@dataclass(frozen=True)
class Headline:
    local: Figure
    authority: Figure
    baseline: float | None
    baseline_wave: str | None
    target: float | None
    target_wave: str | None
    versus_authority: Comparison | None
    change: Comparison | None
    target_sentence: str


@dataclass(frozen=True)
class TrendPoint:
    wave: str
    local: Figure
    authority: Figure
    opens_on: date | None = None  # when the wave's fieldwork began: places it on the time axis


@dataclass(frozen=True)
class GapRow:
    crime: str
    label: str
    worried: float | None
    victim: float | None
    difference: float | None
    ratio: float | None
    ratio_ci_lower: float | None
    ratio_ci_upper: float | None
    n_worried: int
    n_victim: int
    flag: str | None
    note: str | None


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    label: str
    source: str
    local: Figure
    authority: Figure | None
    change: Comparison | None
    versus_authority: Comparison | None
    higher_is_better: bool


@dataclass(frozen=True)
class IndicatorSection:
    title: str
    rows: list[IndicatorRow]


@dataclass(frozen=True)
class Breakdown:
    variable: str
    title: str
    rows: list[Figure]

    @property
    def all_suppressed(self) -> bool:
        """Every group is suppressed: the report prints one sentence instead of a table of dashes."""
        return bool(self.rows) and all(f.suppressed for f in self.rows)

    def suppressed_sentence(self, suppress_below: int) -> str:
        """What an all-suppressed breakdown says instead of its table."""
        fewer = f"fewer than {plural(suppress_below, 'response')}"
        if any(f.note == WITHHELD for f in self.rows):
            return (f"No group is shown: some had {fewer}, and the others are withheld so that "
                    "those cannot be worked out from the total.")
        if len(self.rows) == 1:
            return f"The one group had {fewer}, so it is not shown."
        if len(self.rows) == 2:
            return f"Both groups had {fewer}, so neither is shown."
        return f"All {plural(len(self.rows), 'group')} had {fewer}, so none is shown."


    @property
    def mostly_suppressed(self) -> bool:
        """More than half the groups, but not all, are suppressed: the report lists the groups
        shown in a table and names the others in one sentence, as it does when all are."""
        hidden = sum(f.suppressed for f in self.rows)
        return not self.all_suppressed and hidden * 2 > len(self.rows)

    @property
    def table_rows(self) -> list[Figure]:
        """The rows the report's table prints: the groups shown, once most are suppressed."""
        if self.mostly_suppressed:
            return [f for f in self.rows if not f.suppressed]
        return list(self.rows)

    def hidden_sentence(self, suppress_below: int) -> str:
        """What a mostly-suppressed breakdown says under its table: the groups left out, and why
        (too few responses, or withheld so that those cannot be worked out from the total)."""
        if not self.mostly_suppressed:
            return ""
        small = [f.label for f in self.rows if f.suppressed and f.note != WITHHELD]
        withheld = [f.label for f in self.rows if f.suppressed and f.note == WITHHELD]
        fewer = f"fewer than {plural(suppress_below, 'response')}"
        said = []
        if len(small) == 1:
            said.append(f"{small[0]} had {fewer}, so it is not shown.")
        elif small:
            said.append(f"{_and(small)} each had {fewer}, so they are not shown.")
        if withheld:
            said.append(f"{_and(withheld)} {'is' if len(withheld) == 1 else 'are'} withheld so that "
                        f"{'it' if len(small) == 1 else 'they'} cannot be worked out from the total.")
        return " ".join(said)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


@dataclass(frozen=True)
class RankRow:
    slug: str
    name: str
    figure: Figure
    versus_authority: Comparison | None


# --------------------------------------------------------------------------- PACT (plain data)


@dataclass(frozen=True)
class PactPriority:
    title: str
    status: str
    owner: str
    agreed_on: date | None
    latest_update: str
    latest_update_on: date | None


@dataclass(frozen=True)
class YouSaidWeDid:
    you_said: str
    we_did: str
    on: date | None


@dataclass(frozen=True)
class PactSection:
    """PACT activity for the report period, built by the portal from its PACT metrics."""

    period_start: date
    period_end: date  # the last day included
    period_label: str  # "1 April 2010 to 31 March 2011"
    period_rule: str  # how the period was chosen, in words
    raised: int
    closed: int
    share_dealt_with_locally: float | None  # fraction 0..1 (the PACT metrics' unit)
    share_first_response_within_24h: float | None
    first_response_base: int  # issues raised in the period and at least 24 hours old at its end
    median_days_to_first_response: float | None
    median_days_to_close: float | None
    open_issues: int
    open_by_age: dict[str, int]
    meetings_held: int
    breaches: list[str] = field(default_factory=list)
    priorities: list[PactPriority] = field(default_factory=list)
    you_said_we_did: list[YouSaidWeDid] = field(default_factory=list)
    by_neighbourhood: list[PactRow] = field(default_factory=list)  # the authority report's table
    service_charter: ServiceCharterSection | None = None  # the Charter's standards beside the Pledge's
    by_channel: list[ChannelRow] = field(default_factory=list)  # issues raised, by channel


@dataclass(frozen=True)
class ServiceCharterSection:
    """The Service Charter's standards over the PACT period (portal.charter.figures): agendas
    published 5 working days ahead, and complaints and enquiries acknowledged in 5 working days and
    answered in 15 (or by an agreed extended date). Shares are fractions 0..1 with their bases."""

    agendas_share: float | None
    agendas_base: int  # meetings whose deadline has come
    agendas_missed: int
    acknowledged_share: float | None
    acknowledge_base: int
    answered_share: float | None
    answer_base: int
    breached: int


# Shares of PACT follow-up answers and Service Charter records (counts, not samples) follow a
# small-base rule like the survey's: on fewer than SHARE_SUPPRESS_BELOW records no share is given,
# on fewer than SHARE_FLAG_BELOW it is flagged *.
SHARE_SUPPRESS_BELOW = 5
SHARE_FLAG_BELOW = 10


@dataclass(frozen=True)
class CountedShare:
    """A share of records (0..1) on its base, with the small-base rule applied."""

    share: float | None
    base: int

    @property
    def suppressed(self) -> bool:
        return self.share is None or self.base < SHARE_SUPPRESS_BELOW

    @property
    def low_base(self) -> bool:
        return not self.suppressed and self.base < SHARE_FLAG_BELOW


def counted_share(share: float | None, base: int) -> CountedShare:
    return CountedShare(share, int(base))


@dataclass(frozen=True)
class ChannelRow:
    """Issues raised in the period through one channel (online form, phone, PACT meeting...)."""

    channel: str  # the stored value
    label: str
    raised: int
    share: float | None  # of all issues raised in the period, 0..1


@dataclass(frozen=True)
class PactRow:
    name: str
    raised: int
    closed: int
    share_dealt_with_locally: float | None
    share_first_response_within_24h: float | None
    first_response_base: int
    open_issues: int


# --------------------------------------------------------------------------- method note


@dataclass(frozen=True)
class MethodNote:
    wave: str
    wave_name: str
    fieldwork_start: date | None
    fieldwork_end: date | None
    achieved: int
    achieved_here: int
    modes: dict[str, int]
    weighting_variables: list[str]
    population: float
    iterations: int
    design_effect: float
    effective_n: float
    weight_min: float
    weight_max: float
    weighting_notes: list[str]
    suppress_below: int
    flag_below: int
    fingerprint: str
    design: str = "simple"  # a key of DESIGNS


# --------------------------------------------------------------------------- the analysis


@dataclass
class WaveEstimates:
    """One wave weighted once, with every indicator by neighbourhood (plus the total)."""

    wave: WaveInput
    n: int
    estimates: pd.DataFrame
    diagnostics: dict

    def __post_init__(self):
        self._rows = self.estimates.to_dict("records")
        self._at = _index(self.estimates)

    def row(self, indicator: str, slug: str | None) -> dict | None:
        """The estimate of ``indicator`` in neighbourhood ``slug`` (None: the whole authority)."""
        i = self._at.get((indicator, slug))
        return None if i is None else self._rows[i]


@dataclass
class WaveAnalysis:
    """Everything the reports of one wave need, computed once (see module docstring)."""

    wave: WaveInput
    places: dict[str, Place]
    current: WaveEstimates
    history: list[WaveEstimates]  # earlier waves, oldest first
    breakdowns: pd.DataFrame  # NI 21 by the breakdown variables, authority and within neighbourhood
    gap: pd.DataFrame
    versus_rest: dict[str, pd.DataFrame]
    change: pd.DataFrame | None
    disclosure: DisclosureRules
    fingerprint: str
    modes: dict[str, int]
    fieldwork: tuple[date | None, date | None]
    counts: dict[str, int]
    withheld: tuple[str, ...] = ()  # indicators refused: their questions changed (not_comparable)
    last_two_years: LastTwoYears | None = None  # NI 21 pooled with the wave before (`pooled`)

    @property
    def previous(self) -> WaveEstimates | None:
        """The wave the change is measured from: the one before, if it is of the same era
        (`comparable`)."""
        if self.history and comparable(self.history[-1].wave, self.wave):
            return self.history[-1]
        return None

    @property
    def change_note(self) -> str:
        """Why no change is given when there is a wave before, of another era ('' otherwise)."""
        if not self.history or self.previous is not None:
            return ""
        before = self.history[-1].wave
        years = (self.wave.opens_on - before.closes_on).days // 365
        return (f"No change is given: the wave before, {before.slug}, ended "
                f"{plural(years, 'year')} before this one began.")

    @property
    def n(self) -> int:
        return self.current.n


def comparable(before: WaveInput, after: WaveInput) -> bool:
    """Whether ``after``'s change is measured from ``before``: the earlier wave ended at most
    ``MAX_WAVE_GAP`` before the later began. Two waves years apart are two eras, not a change."""
    return after.opens_on - before.closes_on <= MAX_WAVE_GAP


def data_fingerprint(responses: pd.DataFrame, margins: pd.DataFrame,
                     design: str = "simple") -> str:
    """sha256 of the responses and margins as CSV (rows in response order) and, unless simple,
    the wave's design: names the data and the method used."""
    digest = hashlib.sha256()
    if design != "simple":
        digest.update(f"design={design}\n".encode())
    digest.update(responses.to_csv(index=False).encode())
    digest.update(margins.to_csv(index=False).encode())
    return digest.hexdigest()


def _index(frame: pd.DataFrame) -> dict:
    """{(indicator, group value or None): row number} of an estimates table."""
    index = {}
    for i, (ind, g) in enumerate(zip(frame["indicator"], frame["group"], strict=True)):
        index[(ind, None if g is None or g != g else next(iter(g.values())))] = i
    return index


def weigh_wave(responses: pd.DataFrame, margins: pd.DataFrame) -> WeightingResult:
    """The rim weights the dashboard and the reports use for one wave (and the exports carry)."""
    return rake_weights(responses, margins, **RAKE_OPTIONS)


def wave_design(wave: WaveInput, weighting: WeightingResult,
                margins: pd.DataFrame) -> WeightingResult | RakedDesign:
    """The design a wave's standard errors follow: its raked weights, and for a stratified wave
    the neighbourhoods as strata with their 16+ populations (the margins' neighbourhood totals)
    as finite population corrections (R: ``svydesign(ids = ~1, strata = ~neighbourhood, fpc =
    ~population)`` then ``rake``). A neighbourhood with one response is centred on the sample
    mean (R's ``survey.lonely.psu = "adjust"``); responses without a neighbourhood form one
    stratum of their own, without a correction. The weights, so the estimates, do not change."""
    if wave.design == "simple":
        return weighting
    if wave.design != "stratified":
        raise InputError(f"unknown design {wave.design!r}; choose one of " + ", ".join(DESIGNS))
    totals = margins[margins["variable"] == "neighbourhood"].set_index("category")["population"]
    strata = wave.responses["neighbourhood"].astype(str)
    unknown = ~strata.isin(totals.index)
    frame = pd.DataFrame({
        "stratum": strata.where(~unknown, "(no neighbourhood)"),
        # no correction: a population so large that the sampling fraction is nought
        "fpc": strata.map(totals).astype(float).where(~unknown, 1e12),
    })
    return sample_design(weighting, frame, strata="stratum", fpc="fpc", lonely_psu="adjust")


def _estimate_wave(wave: WaveInput, margins: pd.DataFrame, disclosure: DisclosureRules,
                   indicators) -> tuple[WaveEstimates, WeightingResult | RakedDesign]:
    weighting = weigh_wave(wave.responses, margins)
    design = wave_design(wave, weighting, margins)
    est = estimate_indicators(wave.responses, design, REPORT_CATALOGUE, by="neighbourhood",
                              indicators=indicators, disclosure=disclosure, ci=PORTAL_CI)
    est = suppress_complements(est, lambda keys: _relations(keys, {}),
                               disclosure.suppress_below, disclosure.suppress)
    return WaveEstimates(wave, len(wave.responses), est, weighting.diagnostics()), design


def _indicator_ids(responses: pd.DataFrame) -> list[str]:
    cols = set(responses.columns)
    ids = []
    for ind_id, ind in REPORT_CATALOGUE.items():
        need = set(ind.questions) | ({ind.routing[0]} if ind.routing else set())
        if need <= cols:
            ids.append(ind_id)
    return ids


def analyse_waves(waves: list[WaveInput], margins: pd.DataFrame, places: list[Place], *,
                  disclosure: DisclosureRules = DEFAULT_DISCLOSURE) -> WaveAnalysis:
    """Weight and estimate the last of ``waves`` fully, the earlier ones for the trend.

    ``waves`` are in time order and each must have responses; ``margins`` are the weighting
    population (``variable,category,population``). Raises the engine's errors (WeightingError,
    MarginsError, InputError) with messages a user can act on.
    """
    if not waves:
        raise InputError("no wave to report on")
    wave = waves[-1]
    responses = wave.responses
    if not len(responses):
        raise InputError(f"wave {wave.slug} has no responses to report on")
    place_map = {p.slug: p for p in places}
    area_class = {p.slug: p.area_class for p in places}
    withheld = incomparable_indicators(wave.not_comparable, REPORT_CATALOGUE)
    ids = [i for i in _indicator_ids(responses) if i not in withheld]
    current, weighting = _estimate_wave(wave, margins, disclosure, ids)
    history = [_estimate_wave(w, margins, disclosure, ids)[0] for w in waves[:-1]
               if len(w.responses)]

    # Breakdowns of NI 21: neighbourhood x variable columns give domains of the whole sample.
    frame = responses.copy()
    bys = []
    for variable, _title in BREAKDOWNS:
        if variable in frame.columns:
            combined = _NB_PREFIX + variable
            frame[combined] = (frame["neighbourhood"].astype(str) + _SEP
                               + frame[variable].astype(str))
            frame.loc[frame[variable].astype(str).isin(["", "nan"]), combined] = ""
            bys += [variable, combined]
    bys.append("area_class")
    if HEADLINE_ID in ids:
        breakdowns = estimate_indicators(frame, weighting, REPORT_CATALOGUE, by=bys,
                                         indicators=[HEADLINE_ID], disclosure=disclosure,
                                         area_class=area_class, ci=PORTAL_CI)
        current, breakdowns = _secondary_ni21(current, breakdowns, area_class, disclosure)
    else:  # NI 21 withheld: no breakdowns of it either
        breakdowns = current.estimates.iloc[0:0]
    crimes = [c for c in GAP_CRIMES if not {f"worry_{c}", f"victim_{c}"} & set(withheld)]
    gap = _gap_as_published(perception_gap(responses, weighting, REPORT_CATALOGUE,
                                           by="neighbourhood", crimes=crimes,
                                           disclosure=disclosure),
                            current, disclosure)
    versus_rest = {ind: compare_to_rest(responses, weighting, ind, catalogue=REPORT_CATALOGUE)
                   for ind in ids}
    change = None
    if history and comparable(history[-1].wave, wave):
        change = compare_waves(history[-1].estimates, current.estimates,
                               before_label=history[-1].wave.slug, after_label=wave.slug)
    times = pd.to_datetime(responses["submitted_at"], errors="coerce", utc=True)
    fieldwork = ((times.min().date(), times.max().date()) if times.notna().any()
                 else (None, None))
    modes = {str(k): int(v) for k, v in responses["mode"].value_counts().items()} \
        if "mode" in responses.columns else {}
    counts = {str(k): int(v) for k, v in responses["neighbourhood"].value_counts().items()}
    return WaveAnalysis(wave, place_map, current, history, breakdowns, gap, versus_rest, change,
                        disclosure, data_fingerprint(responses, margins, wave.design), modes,
                        fieldwork, counts, withheld, last_two_years(waves, margins, disclosure))


@dataclass(frozen=True)
class LastTwoYears:
    """NI 21 of this wave and the one before pooled (stacked, raked per wave, waves as strata),
    by neighbourhood and for the authority, under the direct figures' disclosure rules."""

    waves: tuple[str, str]  # slugs, oldest first
    names: tuple[str, str]
    estimates: WaveEstimates

    @property
    def label(self) -> str:
        return f"{self.names[0]} and {self.names[1]} together"

    def row(self, slug: str | None) -> dict | None:
        return self.estimates.row(HEADLINE_ID, slug)

    def figure(self, slug: str | None) -> Figure:
        """The pooled NI 21 of neighbourhood ``slug`` (None: the authority) as printed."""
        return _figure(self.row(slug), self.label)


def last_two_years(waves: list[WaveInput], margins: pd.DataFrame,
                    disclosure: DisclosureRules) -> LastTwoYears | None:
    """The pooled NI 21 when the wave before this one asked the same questionnaire, close enough
    to be one period (`comparable`), and neither withholds NI 21; None otherwise."""
    wave = waves[-1]
    before = next((w for w in reversed(waves[:-1]) if w.questionnaire == wave.questionnaire
                   and len(w.responses)), None)
    if before is None or not comparable(before, wave):
        return None
    pair = [PooledWave(w.slug, w.responses, questionnaire=w.questionnaire or None,
                       not_comparable=w.not_comparable) for w in (before, wave)]
    try:
        est, _ = pooled_indicators(pair, margins, by="neighbourhood", indicators=[HEADLINE_ID],
                                   catalogue=REPORT_CATALOGUE, disclosure=disclosure,
                                   ci=PORTAL_CI, **RAKE_OPTIONS)
    except AnalysisError:  # withheld, questions differ, or the stack cannot be raked
        return None
    est = suppress_complements(est, lambda keys: _relations(keys, {}),
                               disclosure.suppress_below, disclosure.suppress)
    n = len(before.responses) + len(wave.responses)
    return LastTwoYears((before.slug, wave.slug), (before.name, wave.name),
                        WaveEstimates(wave, n, est, {}))


# --------------------------------------------------------------------------- secondary suppression


def _relations(keys: list, area_class: dict[str, str]) -> list[Relation]:
    """Every published total among an indicator's cells (keys: None or (variable, value)), with
    its parts: the authority over its neighbourhoods and over each breakdown's groups, each
    neighbourhood over its groups, each authority-wide group over the neighbourhoods' same group,
    and each area class over its neighbourhoods."""
    by_var: dict[str, list] = {}
    for key in keys:
        if key is not None:
            by_var.setdefault(key[0], []).append(key)
    relations = [Relation(None, tuple(parts)) for var, parts in by_var.items()
                 if not var.startswith(_NB_PREFIX)]
    for var, parts in by_var.items():
        if not var.startswith(_NB_PREFIX):
            continue
        plain = var[len(_NB_PREFIX):]
        rows: dict[str, list] = {}
        columns: dict[str, list] = {}
        for key in parts:
            place, _, value = key[1].partition(_SEP)
            rows.setdefault(place, []).append(key)
            columns.setdefault(value, []).append(key)
        relations += [Relation(("neighbourhood", place), tuple(p)) for place, p in rows.items()]
        relations += [Relation((plain, value), tuple(p)) for value, p in columns.items()]
    for cls in sorted(set(area_class.values())):
        relations.append(Relation(("area_class", cls), tuple(
            ("neighbourhood", slug) for slug, c in area_class.items() if c == cls)))
    return relations


def _secondary_ni21(current: WaveEstimates, breakdowns: pd.DataFrame, area_class: dict[str, str],
                    disclosure: DisclosureRules) -> tuple[WaveEstimates, pd.DataFrame]:
    """NI 21 by neighbourhood and by group checked together (the groups' totals are the
    neighbourhoods' figures): both tables as published."""
    est = current.estimates
    mine = est["indicator"].eq(HEADLINE_ID) & est["group"].map(lambda g: isinstance(g, dict))
    parts = breakdowns[breakdowns["group"].map(lambda g: isinstance(g, dict))]
    total = breakdowns[~breakdowns.index.isin(parts.index)]
    combined = pd.concat([total, est[mine], parts], ignore_index=True)
    present = set(combined["group"].map(lambda g: None if not isinstance(g, dict)
                                        else next(iter(g.items()))))
    classes = {slug: c for slug, c in area_class.items() if ("neighbourhood", slug) in present}
    checked = suppress_complements(combined, lambda keys: _relations(keys, classes),
                                   disclosure.suppress_below, disclosure.suppress)
    n_total, n_nb = len(total), int(mine.sum())
    est = est.copy()
    est.loc[mine, :] = checked.iloc[n_total:n_total + n_nb].set_axis(est.index[mine]).values
    new_breakdowns = pd.concat([checked.iloc[:n_total], checked.iloc[n_total + n_nb:]],
                               ignore_index=True)
    return WaveEstimates(current.wave, current.n, est, current.diagnostics), new_breakdowns


def _gap_as_published(gap: pd.DataFrame, current: WaveEstimates,
                      disclosure: DisclosureRules) -> pd.DataFrame:
    """The perception gap with a row withheld where its worried or victim figure is suppressed
    in the indicator tables (so the gap table cannot print what they withhold)."""
    if not len(gap) or not disclosure.suppress:
        return gap
    gap = gap.copy()
    numbers = [c for c in gap.columns if c not in ("crime", "group", "n_worried", "n_victim",
                                                   "flag", "note")]
    for i, r in gap.iterrows():
        g = r["group"]
        slug = g.get("neighbourhood") if isinstance(g, dict) else None
        if r["flag"] == "suppressed":
            continue
        for ind in (f"worry_{r['crime']}", f"victim_{r['crime']}"):
            row = current.row(ind, slug)
            if row is not None and row["flag"] == "suppressed":
                gap.loc[i, numbers] = None
                gap.loc[i, ["flag", "note"]] = ["suppressed", WITHHELD]
                break
    return gap


# --------------------------------------------------------------------------- sentences


def _comparison_to_rest(analysis: WaveAnalysis, indicator: str, slug: str, name: str
                        ) -> Comparison | None:
    table = analysis.versus_rest.get(indicator)
    if table is None or not len(table):
        return None
    rows = table[table["group"].map(lambda g: g.get("neighbourhood") == slug)]
    if not len(rows):
        return None
    r = rows.iloc[0]
    local = analysis.current.row(indicator, slug)
    if local is None or _clean(local["estimate"]) is None or _clean(r["p_adjusted"]) is None:
        why = (_clean(local["note"]) if local is not None else None) or "too few responses"
        return Comparison(None, None, False, f"{name} cannot be compared with the rest of the "
                          f"authority: {why}.", r["adjustment"])
    ind = REPORT_CATALOGUE[indicator]
    k = len(table)
    method = {"holm": "Holm", "bonferroni": "Bonferroni", "none": "no"}[r["adjustment"]]
    tail = (f"p = {r['p_adjusted']:.3f} after {method} adjustment for {plural(k, 'neighbourhood')}")
    if r["significant"]:
        word = "higher" if r["difference"] > 0 else "lower"
        better = (r["difference"] > 0) == ind.higher_is_better
        sentence = (f"{name} ({percent(r['estimate'])}) is significantly {word} than the rest of "
                    f"the authority ({percent(r['rest_estimate'])}): "
                    f"{'better' if better else 'worse'} ({tail}).")
    else:
        sentence = (f"The difference between {name} ({percent(r['estimate'])}) and the rest of the "
                    f"authority ({percent(r['rest_estimate'])}) is not statistically significant "
                    f"({tail}).")
    return Comparison(_clean(r["difference"]), _clean(r["p_adjusted"]), bool(r["significant"]),
                      sentence, r["adjustment"],
                      _short(_clean(r["difference"]), bool(r["significant"]), ind.higher_is_better))


def _change(analysis: WaveAnalysis, indicator: str, slug: str | None) -> Comparison | None:
    if analysis.change is None:
        return None
    t = analysis.change
    key = t["indicator"].eq(indicator) & t["group"].map(
        lambda g: (g is None or g != g) if slug is None
        else (isinstance(g, dict) and g.get("neighbourhood") == slug))
    rows = t[key]
    if not len(rows):
        return None
    r = rows.iloc[0]
    ind = REPORT_CATALOGUE[indicator]
    return Comparison(_clean(r["difference"]), _clean(r["p_value"]), bool(r["significant"]),
                      r["verdict"][0].upper() + r["verdict"][1:] + ".",
                      short=_short(_clean(r["difference"]), bool(r["significant"]),
                                   ind.higher_is_better))


def _short(difference: float | None, significant: bool, higher_is_better: bool) -> str:
    if difference is None:
        return "cannot compare"
    change = points(difference)
    if not significant:
        return f"{change}, not significant"
    better = (difference > 0) == higher_is_better
    return f"{change}, significant ({'better' if better else 'worse'})"


def _target_sentence(ind: Indicator, fig: Figure, wave: str, name: str) -> str:
    if fig.estimate is None:
        return (f"{name}'s figure is not shown ({fig.note or 'too few responses'}), so it cannot "
                "be compared with the target.")
    if ind.target is None or ind.baseline is None:
        return "The partnership has set no target for NI 21 to compare with."
    status = _target_status(ind, fig.estimate, wave, fig.ci_lower, fig.ci_upper)
    if status is None:
        return f"Wave {wave} cannot be placed on the path to the {percent(ind.target)} target."
    target = f"{percent(ind.target)} target for {ind.target_wave}"
    trajectory = percent(status["trajectory"])
    sentence = {
        TargetStatus.MET: f"{name} meets the {target}.",
        TargetStatus.ON_TRACK: f"{name} is on the straight-line path from the "
                               f"{percent(ind.baseline)} baseline to the {target}, which expects "
                               f"{trajectory} by {wave}.",
        TargetStatus.BEHIND: f"{name} is below the {trajectory} expected by {wave} on the way to "
                             f"the {target}, but the path lies within the 95% confidence interval.",
        TargetStatus.OFF_TRACK: f"{name} is below the {trajectory} the path expects by {wave} on "
                                f"the way to the {target}, outside the 95% confidence interval.",
    }[status["status"]]
    return f"{status['label']}: {sentence}"


# --------------------------------------------------------------------------- reports


@dataclass
class NeighbourhoodReport:
    kind: str
    slug: str
    name: str
    wave: str
    wave_name: str
    generated_at: datetime
    headline: Headline
    trend: list[TrendPoint]
    gap: list[GapRow]
    sections: list[IndicatorSection]
    breakdowns: list[Breakdown]
    pact: PactSection | None
    method: MethodNote
    previous_wave: str | None
    fear_risk: FearRiskSection | None = None  # "Fear and recorded crime", when crime is loaded
    concerns: list | None = None  # analysis.concerns.ConcernRow: survey findings beside priorities
    partnership: str = "Community Safety Partnership"  # the portal's profile names it
    demo: bool = False  # the synthetic demo's: the report says so
    satisfaction: object | None = None  # the portal's resident satisfaction over the PACT period
    change_note: str = ""  # why no change is given, when the wave before is of another era
    # NI 21 from the small-area model (analysis.model_based.ModelFigure), set by the portal
    model_based: object | None = None

    @property
    def title(self) -> str:
        return f"{self.name}: community safety feedback report, {self.wave_name}"

    @property
    def breakdown_note(self) -> str:
        """The sentence above the NI 21 breakdowns, as small as the groups really are."""
        figures = [f for b in self.breakdowns for f in b.rows]
        # A figure withheld beside a suppressed one is not small: it has a base of its own.
        small = sum((f.suppressed and f.note != WITHHELD) or f.low_base for f in figures)
        if not small:
            return ""
        if small * 2 > len(figures):
            return ("Groups are small, so many figures are suppressed or flagged; they are listed so "
                    "that nothing is silently left out.")
        return ("Some groups are small, so their figures are suppressed or flagged; they are listed "
                "so that nothing is silently left out.")

    @property
    def any_suppressed(self) -> bool:
        figs = [self.headline.local] + [r.local for s in self.sections for r in s.rows]
        figs += [f for b in self.breakdowns for f in b.rows]
        return any(f.suppressed for f in figs) or any(g.flag == "suppressed" for g in self.gap)


@dataclass
class AuthorityReport(NeighbourhoodReport):
    ranking: list[RankRow] = field(default_factory=list)
    adjustment: str = "holm"
    scorecard: list = field(default_factory=list)  # analysis.scorecard.ScorecardRow, when loaded
    # Authority figures beside published ones, as the dashboard prints them (the portal's rows;
    # the rule is analysis.comparators); empty when no comparator answers a computed question.
    national: list = field(default_factory=list)


def _headline(analysis: WaveAnalysis, slug: str | None, name: str, targets: Scorecard) -> Headline:
    ind = with_targets(REPORT_CATALOGUE, targets)[HEADLINE_ID]
    cur = analysis.current
    local = _figure(cur.row(HEADLINE_ID, slug), name)
    authority = _figure(cur.row(HEADLINE_ID, None), "Authority")
    return Headline(
        local=local, authority=authority, baseline=ind.baseline, baseline_wave=ind.baseline_wave,
        target=ind.target, target_wave=ind.target_wave,
        versus_authority=(_comparison_to_rest(analysis, HEADLINE_ID, slug, name) if slug
                          else None),
        change=_change(analysis, HEADLINE_ID, slug),
        target_sentence=_target_sentence(ind, local, analysis.wave.slug, name),
    )


def _trend(analysis: WaveAnalysis, slug: str | None, name: str) -> list[TrendPoint]:
    trend = []
    for w in [*analysis.history, analysis.current]:
        trend.append(TrendPoint(w.wave.slug, _figure(w.row(HEADLINE_ID, slug), name),
                                _figure(w.row(HEADLINE_ID, None), "Authority"), w.wave.opens_on))
    return trend


def gap_rows(analysis: WaveAnalysis, slug: str | None) -> list[GapRow]:
    """The perception gap of one neighbourhood (None: the authority): the rows the PDF and the
    dashboard both print."""
    g = analysis.gap
    rows = g[g["group"].map(lambda x: (x is None or x != x) if slug is None
                            else (isinstance(x, dict) and x.get("neighbourhood") == slug))]
    out = []
    for r in rows.to_dict("records"):
        out.append(GapRow(r["crime"], CRIME_LABELS.get(r["crime"], r["crime"]),
                          _clean(r["worried"]), _clean(r["victim"]), _clean(r["difference"]),
                          _clean(r["ratio"]), _clean(r["ratio_ci_lower"]),
                          _clean(r["ratio_ci_upper"]), int(r["n_worried"]), int(r["n_victim"]),
                          _clean(r["flag"]), _clean(r["note"])))
    return out


def _sections(analysis: WaveAnalysis, slug: str | None, name: str) -> list[IndicatorSection]:
    cur = analysis.current
    out = []
    for title, ids in SECTIONS:
        rows = []
        for ind_id in ids:
            if cur.row(ind_id, None) is None:
                continue  # not asked in this wave
            ind = REPORT_CATALOGUE[ind_id]
            rows.append(IndicatorRow(
                ind_id, ind.label, ind.source, _figure(cur.row(ind_id, slug), ind.label),
                _figure(cur.row(ind_id, None), "Authority") if slug else None,
                _change(analysis, ind_id, slug),
                _comparison_to_rest(analysis, ind_id, slug, name) if slug else None,
                ind.higher_is_better))
        if rows:
            out.append(IndicatorSection(title, rows))
    return out


def _category_order(variable: str, labels: list[str]) -> list[str]:
    order = list(CATEGORY_LABELS)
    return sorted(labels, key=lambda c: (order.index(c) if c in order else len(order), c))


def breakdown_by(analysis: WaveAnalysis, slug: str | None, variable: str) -> Breakdown | None:
    """NI 21 by one breakdown variable (the dashboard's by-language table), None when not shown."""
    return next((b for b in _breakdowns(analysis, slug) if b.variable == variable), None)


def _breakdowns(analysis: WaveAnalysis, slug: str | None) -> list[Breakdown]:
    b = analysis.breakdowns
    out = []
    variables = list(BREAKDOWNS) + ([AREA_CLASS] if slug is None else [])
    for variable, title in variables:
        by = variable if slug is None else _NB_PREFIX + variable
        rows = b[b["group"].map(lambda g, by=by: isinstance(g, dict) and by in g)]
        found = {}
        for r in rows.to_dict("records"):
            value = r["group"][by]
            if slug is not None:
                place, _, value = value.partition(_SEP)
                if place != slug:
                    continue
            found[value] = r
        if not found or (variable == LANGUAGE and len(found) < 2):
            continue
        figures = [_figure(found[c], CATEGORY_LABELS.get(c, c))
                   for c in _category_order(variable, list(found))]
        out.append(Breakdown(variable, title, figures))
    return out


def _method(analysis: WaveAnalysis, slug: str | None) -> MethodNote:
    d = analysis.current.diagnostics
    here = analysis.counts.get(slug, 0) if slug else analysis.n
    return MethodNote(
        wave=analysis.wave.slug, wave_name=analysis.wave.name,
        fieldwork_start=analysis.fieldwork[0], fieldwork_end=analysis.fieldwork[1],
        achieved=analysis.n, achieved_here=here, modes=dict(analysis.modes),
        weighting_variables=list(d["variables"]), population=float(d["population"]),
        iterations=int(d["iterations"]), design_effect=float(d["design_effect"]),
        effective_n=float(d["effective_n"]), weight_min=float(d["weight_min"]),
        weight_max=float(d["weight_max"]), weighting_notes=list(d["notes"]),
        suppress_below=analysis.disclosure.suppress_below,
        flag_below=analysis.disclosure.flag_below, fingerprint=analysis.fingerprint,
        design=analysis.wave.design,
    )


def neighbourhood_report(analysis: WaveAnalysis, slug: str, *, generated_at: datetime,
                         pact: PactSection | None = None,
                         targets: Scorecard = NO_TARGETS) -> NeighbourhoodReport:
    """The report of one neighbourhood, read out of a wave's analysis; NI 21 is judged against
    the partnership's ``targets`` when it has set one."""
    if slug not in analysis.places:
        raise InputError(f"unknown neighbourhood {slug!r}; choose from: "
                         + ", ".join(sorted(analysis.places)))
    name = analysis.places[slug].name
    previous = analysis.previous.wave.slug if analysis.previous else None
    return NeighbourhoodReport(
        kind="neighbourhood", slug=slug, name=name, wave=analysis.wave.slug,
        wave_name=analysis.wave.name, generated_at=generated_at,
        headline=_headline(analysis, slug, name, targets), trend=_trend(analysis, slug, name),
        gap=gap_rows(analysis, slug), sections=_sections(analysis, slug, name),
        breakdowns=_breakdowns(analysis, slug), pact=pact, method=_method(analysis, slug),
        previous_wave=previous, change_note=analysis.change_note,
    )


def authority_report(analysis: WaveAnalysis, *, name: str, generated_at: datetime,
                     pact: PactSection | None = None,
                     targets: Scorecard = NO_TARGETS) -> AuthorityReport:
    """The authority summary: every neighbourhood's NI 21 against the rest, plus the authority's
    own figures, trend, gap, breakdowns (with urban or rural) and PACT activity."""
    table = analysis.versus_rest[HEADLINE_ID]
    ranking = []
    for r in table.to_dict("records"):
        slug = r["group"]["neighbourhood"]
        place = analysis.places.get(slug, Place(slug, slug))
        fig = _figure(analysis.current.row(HEADLINE_ID, slug), place.name)
        comp = _comparison_to_rest(analysis, HEADLINE_ID, slug, place.name)
        ranking.append(RankRow(slug, place.name, fig, comp))
    ranking.sort(key=lambda r: (r.figure.estimate is None, -(r.figure.estimate or 0), r.name))
    previous = analysis.previous.wave.slug if analysis.previous else None
    headline = _headline(analysis, None, name, targets)
    headline = replace(headline, local=replace(headline.local, label=name))
    return AuthorityReport(
        kind="authority", slug="authority", name=name, wave=analysis.wave.slug,
        wave_name=analysis.wave.name, generated_at=generated_at, headline=headline,
        trend=_trend(analysis, None, name), gap=gap_rows(analysis, None),
        sections=_sections(analysis, None, name), breakdowns=_breakdowns(analysis, None),
        pact=pact, method=_method(analysis, None), previous_wave=previous, ranking=ranking,
        adjustment=str(table["adjustment"].iloc[0]) if len(table) else "holm",
        change_note=analysis.change_note,
    )


__all__ = [
    "REPORT_CATALOGUE",
    "AuthorityReport",
    "Figure",
    "NeighbourhoodReport",
    "PactSection",
    "Place",
    "WaveAnalysis",
    "WaveInput",
    "analyse_waves",
    "authority_report",
    "data_fingerprint",
    "neighbourhood_report",
]


# --------------------------------------------------------------------------- dashboard tables


@dataclass(frozen=True)
class TableRow:
    """One line of a dashboard table or download: an estimate with its comparisons."""

    key: str  # indicator id or neighbourhood slug ("" for the authority)
    name: str
    figure: Figure
    authority: Figure | None
    change: Comparison | None
    versus_authority: Comparison | None


def indicator_by_neighbourhood(analysis: WaveAnalysis, indicator: str) -> list[TableRow]:
    """``indicator`` for the authority (first) and every neighbourhood (by name)."""
    if indicator not in REPORT_CATALOGUE or analysis.current.row(indicator, None) is None:
        raise InputError(f"unknown indicator {indicator!r}; choose from: "
                         + ", ".join(available_indicators(analysis)))
    cur = analysis.current
    total = _figure(cur.row(indicator, None), "Authority")
    rows = [TableRow("", "Authority", total, None, _change(analysis, indicator, None), None)]
    for place in sorted(analysis.places.values(), key=lambda p: p.name):
        rows.append(TableRow(place.slug, place.name,
                             _figure(cur.row(indicator, place.slug), place.name), total,
                             _change(analysis, indicator, place.slug),
                             _comparison_to_rest(analysis, indicator, place.slug, place.name)))
    return rows


def indicators_for(analysis: WaveAnalysis, slug: str | None) -> list[TableRow]:
    """Every indicator of the wave for one neighbourhood (or, with None, the authority)."""
    cur = analysis.current
    name = analysis.places[slug].name if slug else "Authority"
    rows = []
    for ind_id in available_indicators(analysis):
        ind = REPORT_CATALOGUE[ind_id]
        rows.append(TableRow(
            ind_id, ind.label, _figure(cur.row(ind_id, slug), ind.label),
            _figure(cur.row(ind_id, None), "Authority") if slug else None,
            _change(analysis, ind_id, slug),
            _comparison_to_rest(analysis, ind_id, slug, name) if slug else None))
    return rows


def indicator_figures(analysis: WaveAnalysis, slug: str | None) -> list[tuple[str, Figure]]:
    """Every indicator's figure for one area (None: the authority), disclosure applied, without
    the comparisons `indicators_for` adds (the same `_figure` of the same row): what the open-data
    API serves, at a fraction of the cost."""
    cur = analysis.current
    return [(ind_id, _figure(cur.row(ind_id, slug), REPORT_CATALOGUE[ind_id].label))
            for ind_id in available_indicators(analysis)]


def available_indicators(analysis: WaveAnalysis) -> list[str]:
    """Indicator ids estimated for this wave, in catalogue order."""
    return [i for i in REPORT_CATALOGUE if analysis.current.row(i, None) is not None]


def indicator_trend(analysis: WaveAnalysis, indicator: str, slug: str | None) -> list[TrendPoint]:
    name = analysis.places[slug].name if slug else "Authority"
    return [TrendPoint(w.wave.slug, _figure(w.row(indicator, slug), name),
                       _figure(w.row(indicator, None), "Authority"), w.wave.opens_on)
            for w in [*analysis.history, analysis.current]]
