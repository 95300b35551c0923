"""Typed errors of the analysis engine; every message says what to do about it.

The CLI prints ``str(error)`` on one line and exits with code 2; the portal turns them into
flash messages. No error here ever needs a traceback to be understood.
"""


class AnalysisError(Exception):
    """Base class for every error the analysis engine raises on purpose."""


class InputError(AnalysisError):
    """The responses are not in the wide export format (missing column, unreadable file)."""


class AreaClassError(InputError):
    """A breakdown by area class was asked for, but the data do not say each response's class."""


class DesignError(InputError):
    """Strata, clusters or fpc are missing, inconsistent, or leave a stratum without a variance."""


class MarginsError(AnalysisError):
    """Population margins are malformed, inconsistent, or do not match the responses."""


class WeightingError(AnalysisError):
    """Raking cannot produce weights (empty category, no convergence)."""


class ConvergenceError(WeightingError):
    """Raking did not converge within the iteration limit."""


class IndicatorError(AnalysisError):
    """An indicator is unknown or its questions are not in the data."""


class SmallAreaError(AnalysisError):
    """Small-area input is malformed (columns, numbers, areas) or the model cannot be fitted."""
