"""pact-voicebox analysis engine: weighting, indicators, the perception gap and comparisons.

A plain library over pandas data frames (never imports Flask): the CLI (``python -m analysis``),
the portal's dashboard and the PDF reports all call these functions.
"""

from analysis.catalogue import CATALOGUE, HEADLINE, Indicator, target_status, with_settings
from analysis.comparisons import compare_to_rest, compare_waves, describe
from analysis.errors import (
    AnalysisError,
    AreaClassError,
    ConvergenceError,
    IndicatorError,
    InputError,
    MarginsError,
    SmallAreaError,
    WeightingError,
)
from analysis.estimates import DisclosureRules, estimate_indicators, weighted_proportion
from analysis.gap import perception_gap
from analysis.margins import load_margins, validate_margins
from analysis.small_areas import SmallAreaFit, fit_small_areas
from analysis.summary import summarise_waves
from analysis.weighting import WeightingResult, rake_weights

__all__ = [
    "CATALOGUE",
    "HEADLINE",
    "AnalysisError",
    "AreaClassError",
    "ConvergenceError",
    "DisclosureRules",
    "Indicator",
    "IndicatorError",
    "InputError",
    "MarginsError",
    "SmallAreaError",
    "SmallAreaFit",
    "WeightingError",
    "WeightingResult",
    "compare_to_rest",
    "compare_waves",
    "describe",
    "estimate_indicators",
    "fit_small_areas",
    "load_margins",
    "perception_gap",
    "rake_weights",
    "summarise_waves",
    "target_status",
    "validate_margins",
    "weighted_proportion",
    "with_settings",
]
