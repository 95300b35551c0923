"""The indicator catalogue: every indicator defined as data, following shared/methodology.md.

An indicator names its question(s), its positive codes and the codes that are out of the base
(``dont_know`` / ``no_opinion``: the Place Survey convention). Routing: car crime items are asked
only when ``car_use == "yes"``, so their base is those respondents. Three kinds:

* ``single``: base = asked, answered, not an excluded code; positive = a positive code.
* ``score`` (NI 17): the seven ASB strands scored 3/2/1/0 (very big .. not at all; ``no_opinion``
  scores 0 by default), positive when the sum is at least 11 of 21; a respondent who left any
  strand blank is out of the base (setting ``blank_strand_excludes``).
* ``any`` (``worry_any``, ``victim_any``): positive on any component among respondents who
  answered every component they were asked.

Settings the methodology leaves open are fields here (e.g. ``dont_know_in_base`` for NI 21),
changed with :func:`with_settings`, never constants in the code. Targets belong to a partnership,
not to the catalogue: an indicator has none until the partnership's targets are applied
(``analysis.scorecard.with_targets``); :func:`target_status` then says whether a result is on
track (linear trajectory from baseline to target).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from analysis.errors import IndicatorError

AGREE = ("strongly_agree", "tend_to_agree")
BIG_PROBLEM = ("very_big_problem", "fairly_big_problem")
DONT_KNOW = ("dont_know",)
NO_OPINION = ("no_opinion",)
WORRIED = ("very_worried", "fairly_worried")
CAR_ROUTING = ("car_use", ("yes",))
CRIMES = ("burglary", "car_crime", "violent_crime")
ASB_STRANDS = (
    "asb_noisy_neighbours",
    "asb_teenagers",
    "asb_litter",
    "asb_vandalism",
    "asb_drugs",
    "asb_drunk_rowdy",
    "asb_abandoned_cars",
)
ASB_SCORES = (
    ("very_big_problem", 3),
    ("fairly_big_problem", 2),
    ("not_a_very_big_problem", 1),
    ("not_a_problem_at_all", 0),
    ("no_opinion", 0),
)

# The full answer scale of every question the catalogue reads (codes of
# shared/methodology.md), so the engine can refuse a column holding anything else (labels
# instead of codes, a typo) rather than count it as "not positive". A blank is no answer.
AGREE_SCALE = ("strongly_agree", "tend_to_agree", "neither_agree_nor_disagree",
               "tend_to_disagree", "strongly_disagree", "dont_know")
PROBLEM_SCALE = ("very_big_problem", "fairly_big_problem", "not_a_very_big_problem",
                 "not_a_problem_at_all", "no_opinion")
INFLUENCE_SCALE = ("definitely_agree", "tend_to_agree", "tend_to_disagree",
                   "definitely_disagree", "dont_know")
SAFE_SCALE = ("very_safe", "fairly_safe", "neither_safe_nor_unsafe", "fairly_unsafe",
              "very_unsafe", "dont_know")
WORRY_SCALE = ("very_worried", "fairly_worried", "not_very_worried", "not_at_all_worried")
YES_NO = ("yes", "no")
QUESTION_CODES: dict[str, tuple[str, ...]] = {
    "police_council_dealing": AGREE_SCALE,
    "seek_views": AGREE_SCALE,
    **{strand: PROBLEM_SCALE for strand in ASB_STRANDS},
    "respect": PROBLEM_SCALE,
    "influence_decisions": INFLUENCE_SCALE,
    "safe_after_dark": SAFE_SCALE,
    "safe_during_day": SAFE_SCALE,
    "car_use": YES_NO,
    **{f"worry_{crime}": WORRY_SCALE for crime in CRIMES},
    **{f"victim_{crime}": YES_NO for crime in CRIMES},
}


@dataclass(frozen=True)
class Indicator:
    """One indicator, defined by its questions and codes (see module docstring)."""

    id: str
    label: str
    questions: tuple[str, ...]
    positive: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    kind: str = "single"  # single | score | any
    routing: tuple[str, tuple[str, ...]] | None = None  # asked only if question in codes
    higher_is_better: bool = True
    # score kind
    scores: tuple[tuple[str, int], ...] = ()
    threshold: float | None = None
    blank_strand_excludes: bool = True
    # any kind: component indicator ids
    components: tuple[str, ...] = ()
    # settings that move a code in or out of the base
    dont_know_in_base: bool = False
    # plan targets (proportions) and the waves they belong to
    baseline: float | None = None
    baseline_wave: str | None = None
    target: float | None = None
    target_wave: str | None = None
    source: str = ""

    @property
    def base_excluded(self) -> tuple[str, ...]:
        if self.dont_know_in_base:
            return tuple(c for c in self.excluded if c not in DONT_KNOW + NO_OPINION)
        return self.excluded


def _single(id_, label, question, positive, excluded=DONT_KNOW, **kw) -> Indicator:
    return Indicator(id_, label, (question,), tuple(positive), tuple(excluded), **kw)


def _standard() -> dict[str, Indicator]:
    items = [
        _single(
            "ni21", "Agree the police and council deal with the ASB and crime that matter",
            "police_council_dealing", AGREE,
            source="NI 21 (LAA, BCS confidence measure)",
        ),
        Indicator(
            "ni17", "High perceived anti-social behaviour (score 11+ of 21)", ASB_STRANDS,
            kind="score", scores=ASB_SCORES, threshold=11, higher_is_better=False,
            source="NI 17 (BCS seven-strand index)",
        ),
        _single("ni4", "Agree they can influence decisions affecting their area",
                "influence_decisions", ("definitely_agree", "tend_to_agree"), source="NI 4"),
        _single("ni23", "People not treating each other with respect a problem", "respect",
                BIG_PROBLEM, NO_OPINION, higher_is_better=False, source="NI 23"),
        _single("ni27", "Agree the police and council seek people's views", "seek_views", AGREE,
                source="NI 27"),
        _single("ni41", "Drunk or rowdy behaviour a problem", "asb_drunk_rowdy", BIG_PROBLEM,
                NO_OPINION, higher_is_better=False, source="NI 41"),
        _single("ni42", "Drug use or dealing a problem", "asb_drugs", BIG_PROBLEM, NO_OPINION,
                higher_is_better=False, source="NI 42"),
        _single("teenagers", "Teenagers hanging around a problem", "asb_teenagers", BIG_PROBLEM,
                NO_OPINION, higher_is_better=False, source="LAA local"),
        _single("safe_after_dark", "Feel safe outside after dark", "safe_after_dark",
                ("very_safe", "fairly_safe"), source="feeling safe (council scale)"),
        _single("safe_during_day", "Feel safe outside during the day", "safe_during_day",
                ("very_safe", "fairly_safe"), source="feeling safe (council scale)"),
    ]
    for crime in CRIMES:
        routing = CAR_ROUTING if crime == "car_crime" else None
        items.append(_single(f"worry_{crime}", f"Worried about {crime.replace('_', ' ')}",
                             f"worry_{crime}", WORRIED, (), routing=routing,
                             higher_is_better=False, source="BCS worry (very or fairly)"))
        items.append(_single(f"very_worried_{crime}",
                             f"Very worried about {crime.replace('_', ' ')}", f"worry_{crime}",
                             ("very_worried",), (), routing=routing, higher_is_better=False,
                             source="BCS high worry"))
        items.append(_single(f"victim_{crime}",
                             f"Victim of {crime.replace('_', ' ')} in the last 12 months",
                             f"victim_{crime}", ("yes",), (), routing=routing,
                             higher_is_better=False, source="victimisation, last 12 months"))
    items.append(Indicator("worry_any", "Worried about any crime", tuple(f"worry_{c}" for c in CRIMES),
                           kind="any", components=tuple(f"worry_{c}" for c in CRIMES),
                           higher_is_better=False, source="worried about any crime type"))
    items.append(Indicator("victim_any", "Victim of any crime in the last 12 months",
                           tuple(f"victim_{c}" for c in CRIMES), kind="any",
                           components=tuple(f"victim_{c}" for c in CRIMES),
                           higher_is_better=False, source="victim of any crime type"))
    return {i.id: i for i in items}


CATALOGUE: dict[str, Indicator] = _standard()
# The headline list printed by the CLI and shown on the dashboard, in order.
HEADLINE = (
    "ni21", "ni17", "ni4", "ni23", "ni41", "ni42", "safe_after_dark",
    "worry_burglary", "worry_car_crime", "worry_violent_crime",
    "victim_burglary", "victim_car_crime", "victim_violent_crime",
)


def get_indicator(indicator_id: str, catalogue: dict[str, Indicator] | None = None) -> Indicator:
    cat = CATALOGUE if catalogue is None else catalogue
    try:
        return cat[indicator_id]
    except KeyError:
        raise IndicatorError(
            f"unknown indicator {indicator_id!r}; known: {', '.join(cat)}"
        ) from None


def with_settings(catalogue: dict[str, Indicator] | None = None, **settings) -> dict[str, Indicator]:
    """A copy of the catalogue with settings changed, e.g. ``ni21={"dont_know_in_base": True}``."""
    cat = dict(CATALOGUE if catalogue is None else catalogue)
    for ind_id, changes in settings.items():
        cat[ind_id] = dataclasses.replace(get_indicator(ind_id, cat), **changes)
    return cat


def _wave_year(wave: str | None) -> int | None:
    """First year of a wave slug such as "2008-09"; None if the label has no year."""
    text = str(wave)[:4]
    return int(text) if text.isdigit() else None


class TargetStatus(StrEnum):
    """A result against its target: the one judgement the scorecard, the reports' page 1 and the
    command line print, each with its one label. Stored (CSV, JSON) as the value."""

    MET = "met"
    ON_TRACK = "on track"
    BEHIND = "behind, within the interval"  # below the path, which the 95% interval contains
    OFF_TRACK = "off track"
    NO_DATA = "no data"

    @property
    def label(self) -> str:
        return _TARGET_LABELS[self]


_TARGET_LABELS = {
    TargetStatus.MET: "Target met",
    TargetStatus.ON_TRACK: "On track",
    TargetStatus.BEHIND: "Behind the path, not significantly",
    TargetStatus.OFF_TRACK: "Off track",
    TargetStatus.NO_DATA: "No data",
}


def judge_against_path(estimate: float, expected: float, target: float | None,
                       higher_is_better: bool, ci_lower: float | None = None,
                       ci_upper: float | None = None) -> TargetStatus:
    """Met (the ``target`` reached, when there is one), on track (the path's ``expected`` value
    reached), behind but not significantly (the 95% interval contains ``expected``), or off track.
    """
    sign = 1 if higher_is_better else -1
    if target is not None and sign * (estimate - target) >= 0:
        return TargetStatus.MET
    if sign * (estimate - expected) >= 0:
        return TargetStatus.ON_TRACK
    if ci_lower is not None and ci_upper is not None and ci_lower <= expected <= ci_upper:
        return TargetStatus.BEHIND
    return TargetStatus.OFF_TRACK


def target_status(indicator: Indicator, estimate: float, wave: str,
                  ci_lower: float | None = None, ci_upper: float | None = None) -> dict | None:
    """Whether ``estimate`` (a proportion, for ``wave``) is on track for the indicator's target.

    The trajectory runs in a straight line from the baseline (at the baseline wave) to the
    target (at the target wave); ``status`` is a :class:`TargetStatus` (see
    :func:`judge_against_path`) and ``label`` its printed words. Returns None when the
    indicator has no target or the wave label has no year.
    """
    if indicator.target is None or indicator.baseline is None:
        return None
    y0, y1 = _wave_year(indicator.baseline_wave), _wave_year(indicator.target_wave)
    y = _wave_year(wave)
    if y is None or y0 is None or y1 is None or y1 == y0:
        return None
    frac = min(max((y - y0) / (y1 - y0), 0.0), 1.0)
    expected = indicator.baseline + frac * (indicator.target - indicator.baseline)
    sign = 1 if indicator.higher_is_better else -1
    status = judge_against_path(estimate, expected, indicator.target, indicator.higher_is_better,
                                ci_lower, ci_upper)
    return {
        "status": status,
        "label": status.label,
        "trajectory": expected,
        "target": indicator.target,
        "target_wave": indicator.target_wave,
        "shortfall": max(0.0, sign * (indicator.target - estimate)),
    }


def standard_questions(catalogue: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The answer columns the catalogue reads (questions, grid rows and routing questions), in
    catalogue order: the standard modules, whose wording and codes must not change unnoticed."""
    cat = CATALOGUE if catalogue is None else catalogue
    seen: dict[str, None] = {}
    for indicator in cat.values():
        for question in (*indicator.questions, *((indicator.routing[0],) if indicator.routing
                                                 else ())):
            seen.setdefault(question, None)
    return tuple(seen)


def incomparable_indicators(changed: set[str] | frozenset[str],
                            catalogue: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The indicators the catalogue refuses to compute when the answer columns in ``changed`` no
    longer mean what the catalogue defined (a standard question reworded or recoded, and nobody
    has judged the change comparable): every indicator reading one, and any built on those."""
    cat = CATALOGUE if catalogue is None else catalogue
    refused: list[str] = []
    for ind_id, indicator in cat.items():
        reads = set(indicator.questions) | ({indicator.routing[0]} if indicator.routing else set())
        if reads & set(changed) or set(indicator.components) & set(refused):
            refused.append(ind_id)
    return tuple(refused)
