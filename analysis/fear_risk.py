"""Fear against risk: residents' worry about a crime beside the recorded rate of it.

For each neighbourhood and survey crime: the weighted % worried (very or fairly) and % victimised
in the survey, each with its 95% interval from the engine, beside the crimes police recorded per
1,000 residents over the same year (police.uk types mapped to survey crimes by
``definitions/survey-crime-types.yaml``), and the ratio of worry to risk: the share worried over
the recorded chance of the crime (rate per 1,000 / 1,000). A ratio of 30 means thirty times as
many residents worry about burglary as there were burglaries per resident. No Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.errors import InputError

MAPPING_FILE = Path(__file__).resolve().parent / "definitions" / "survey-crime-types.yaml"
SURVEY_CRIMES = ("burglary", "car_crime", "violent_crime")
RATIO_NOTE = ("Worried to recorded (the ratio of worry to risk): the share of residents worried about "
              "the crime divided by the crimes recorded per resident over the year (rate per 1,000 "
              "÷ 1,000). It is not the perception gap's ratio, which divides the same share by the "
              "share of residents who said they were victims.")


@dataclass(frozen=True)
class SurveyCrime:
    key: str
    label: str
    police_types: tuple[str, ...]
    note: str = ""


def load_crime_mapping(path: Path | str = MAPPING_FILE) -> dict[str, SurveyCrime]:
    """The survey crimes and their police.uk types, from YAML; InputError naming what is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"cannot read the crime mapping {path}: {error}") from None
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"{path}: expected survey crimes ({', '.join(SURVEY_CRIMES)}) as keys")
    out = {}
    for key, entry in raw.items():
        if key not in SURVEY_CRIMES:
            raise InputError(f"{path}: unknown survey crime {key!r}; choose from: "
                             + ", ".join(SURVEY_CRIMES))
        types = entry.get("police_uk") if isinstance(entry, dict) else None
        if not types or not all(isinstance(t, str) and t for t in types):
            raise InputError(f"{path}: {key} needs police_uk, a list of police.uk crime types")
        out[key] = SurveyCrime(key, str(entry.get("label") or key), tuple(types),
                               str(entry.get("note") or ""))
    return out


def worry_to_risk(worried: float | None, rate_per_1000: float | None) -> float | None:
    """worried share / (rate per 1,000 / 1,000); None if either is missing or no crime recorded."""
    if worried is None or rate_per_1000 is None or not rate_per_1000 > 0:
        return None
    return worried / (rate_per_1000 / 1000)


def fear_and_risk(survey: pd.DataFrame, recorded: pd.DataFrame) -> pd.DataFrame:
    """One row per neighbourhood (``None`` for the authority) and survey crime.

    ``survey``: ``neighbourhood, crime, worried, victim`` (shares, None when suppressed) and any
    other columns (intervals, bases, flags), which are kept. ``recorded``: ``neighbourhood, key,
    count, population, rate_per_1000`` (``analysis.recorded_crime.type_rates``, the authority as
    ``authority``). Adds ``recorded_count``, ``rate_per_1000``, ``recorded_share`` and
    ``worry_to_risk``.
    """
    rec = recorded.rename(columns={"key": "crime", "count": "recorded_count"})
    rec = rec.assign(neighbourhood=rec["neighbourhood"].where(rec["neighbourhood"] != "authority",
                                                              "__authority__"))
    left = survey.assign(neighbourhood=survey["neighbourhood"].fillna("__authority__"))
    merged = left.merge(rec[["neighbourhood", "crime", "recorded_count", "rate_per_1000"]],
                        on=["neighbourhood", "crime"], how="left")
    merged["recorded_share"] = merged["rate_per_1000"] / 1000
    merged["worry_to_risk"] = [worry_to_risk(_value(w), _value(r))
                               for w, r in zip(merged["worried"], merged["rate_per_1000"],
                                               strict=True)]
    place = merged["neighbourhood"].astype(object)
    merged["neighbourhood"] = place.where(place != "__authority__", None)
    return merged


def _value(x):
    return None if x is None or (isinstance(x, float) and x != x) else float(x)


# --------------------------------------------------------------------------- report section


@dataclass(frozen=True)
class FearRiskRow:
    """One survey crime in one area, as printed (shares 0..1; rate per 1,000 residents)."""

    crime: str
    label: str
    worried: object  # analysis.report.Figure
    victim: object  # analysis.report.Figure
    police_types: tuple[str, ...]
    recorded_count: int | None
    rate_per_1000: float | None
    worry_to_risk: float | None

    @property
    def recorded_share(self) -> float | None:
        return None if self.rate_per_1000 is None else self.rate_per_1000 / 1000


@dataclass(frozen=True)
class FearRiskSection:
    """"Fear and recorded crime" for one neighbourhood (or the authority) in one wave's year."""

    area: str
    period_label: str  # "April 2010 to March 2011"
    months_loaded: int
    months_expected: int
    rows: list[FearRiskRow]
    notes: list[str]
    ni16_rate: float | None  # serious acquisitive crime per 1,000 (approximation, see caveat)
    ni16_authority: float | None
    ni16_caveat: str

    @property
    def complete(self) -> bool:
        return self.months_loaded >= self.months_expected


def fear_risk_rows(survey_figure, recorded: pd.DataFrame, slug: str | None,
                   mapping: dict[str, SurveyCrime]) -> list[FearRiskRow]:
    """The rows of one area: ``survey_figure(indicator id, label)`` gives the engine's Figure of
    ``worry_<crime>`` / ``victim_<crime>`` in the area; ``recorded`` is ``type_rates`` output."""
    place = "authority" if slug is None else slug
    here = recorded[recorded["neighbourhood"] == place].set_index("key")
    rows = []
    for key, crime in mapping.items():
        worried = survey_figure(f"worry_{key}", f"Worried about {crime.label.lower()}")
        victim = survey_figure(f"victim_{key}", f"Victim of {crime.label.lower()}")
        # pandas-stubs types .at[] as any scalar; the column holds integers
        count = int(here.at[key, "count"]) if key in here.index else None  # type: ignore[arg-type]
        rate = _value(here.loc[key, "rate_per_1000"]) if key in here.index else None
        rows.append(FearRiskRow(key, crime.label, worried, victim, crime.police_types, count, rate,
                                worry_to_risk(worried.estimate, rate)))
    return rows
