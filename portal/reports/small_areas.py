"""The model-based figure of an indicator in each neighbourhood (`analysis.model_based`) with the
covariates the portal holds (`neighbourhood_covariates`): whether the neighbourhood is rural, its
recorded crime per 1,000 residents aged 16+ over the wave's year (when crime for that year is
loaded), each area covariate the partnership loaded (`portal.areas.covariates`, e.g. the IMD
score), and any other column that function gives. A covariate the same in every neighbourhood
tells the model nothing and is left out.

Which covariates an indicator's model uses is the analyst's choice, saved with the wave
(`ModelChoice`, made on the analyst's model page); without one, every covariate available (as
before there was a choice). A saved covariate the wave no longer has is dropped and the page says
so. Every catalogue indicator is a share of respondents (kinds single, score and any), so every one
with neighbourhood figures can be modelled (`modelled_indicators`).

What is published: NI 21's model-based figure always (public pages, PDF, API, dashboard), and
another indicator's once an analyst has saved a choice for it in the wave (API and dashboard): a
model nobody has looked at is not put before the public for thirty indicators at once.

A fit is a few milliseconds, so it is made when asked for, once per request, wave, data version,
indicator and covariates (cached on ``g``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from flask import g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.model_based import ModelBased, model_based
from analysis.report import HEADLINE_ID, WaveAnalysis, available_indicators
from portal.areas.queries import covariate_labels, covariate_values
from portal.core import audit
from portal.core.clock import utcnow
from portal.core.refusals import Refusal
from portal.crime.fear import wave_year
from portal.crime.rates import monthly_counts, residents
from portal.models import ModelChoice, Neighbourhood, Wave
from portal.reports.queries import model_choice, model_choices
from portal.survey.queries import DatasetError


def neighbourhood_covariates(session: Session, analysis: WaveAnalysis
                             ) -> tuple[pd.DataFrame, dict[str, float]]:
    """(``area`` plus numeric covariate columns, {area: residents 16+}) for every neighbourhood
    with a weighting population. The columns are ``rural`` (1 or 0), ``recorded_crime_per_1000``
    and each loaded area covariate by its name (`portal.areas.queries.covariate_labels` gives
    their labels); a loaded covariate that some of these neighbourhoods have no value for is left
    out (the model needs every area's), as is any column the same in every neighbourhood."""
    try:
        people = residents(session).set_index("neighbourhood")["population"].astype(float)
    except DatasetError:
        return pd.DataFrame({"area": []}), {}
    people = people[people > 0]
    classes = dict(session.execute(select(Neighbourhood.slug, Neighbourhood.area_class)).all())
    frame = pd.DataFrame({"area": list(people.index)})
    frame["rural"] = [float(classes.get(a) == "rural") for a in frame["area"]]
    start, end = wave_year(analysis.wave.opens_on, analysis.wave.closes_on)
    counts = monthly_counts(session, start, end)
    if not counts.empty:
        crimes = counts.groupby("neighbourhood")["count"].sum()
        frame["recorded_crime_per_1000"] = [1000 * float(crimes.get(a, 0)) / people[a]
                                            for a in frame["area"]]
    for name, values in covariate_values(session).items():
        if all(a in values for a in frame["area"]):
            frame[name] = [values[a] for a in frame["area"]]
    varying = [c for c in frame.columns if c == "area" or frame[c].nunique() > 1]
    return frame[varying], {str(a): float(v) for a, v in people.items()}


class ModelChoiceError(Refusal):
    """A covariate choice the portal cannot save: an indicator it does not model, or a covariate
    the wave does not have; the message names the valid ones."""


@dataclass(frozen=True)
class IndicatorFit:
    """One indicator's model with what went into it: ``available``, the covariates the portal
    holds for the wave; ``chosen``, the analyst's choice (None: none saved, so all available);
    ``missing``, chosen covariates the wave no longer has (dropped); ``model``, None when no
    model could be fitted."""

    indicator: str
    available: tuple[str, ...]
    chosen: tuple[str, ...] | None
    asked: tuple[str, ...]
    missing: tuple[str, ...]
    model: ModelBased | None
    labels: Mapping[str, str] = field(default_factory=dict)  # {covariate: label} (`covariate_names`)

    def label(self, name: str) -> str:
        return covariate_label(name, self.labels)

    @property
    def left_out(self) -> tuple[str, ...]:
        """Asked-for covariates the fit dropped, last first, to keep areas to spare."""
        used = set(self.model.covariates) if self.model else set(self.asked)
        return tuple(c for c in self.asked if c not in used)

    @property
    def notes(self) -> list[str]:
        """What the page says about the covariates beside the fit."""
        out = []
        if self.missing:
            out.append(f"Saved covariates this wave no longer has, so left out: "
                       f"{', '.join(self.label(c) for c in self.missing)}.")
        if self.model is not None and self.left_out:
            out.append(f"Left out so that the fit keeps areas to spare (too few published "
                       f"neighbourhood figures for them all): "
                       f"{', '.join(self.label(c) for c in self.left_out)}.")
        return out


# The labels of the covariates the portal works out itself; loaded ones carry the admins' own.
BUILT_IN_LABELS = {"rural": "Rural (ONS rural-urban classification)",
                   "recorded_crime_per_1000": "Recorded crimes per 1,000 residents (the wave's year)"}


def covariate_names(session: Session) -> dict[str, str]:
    """{covariate column: its label}: the built-in ones and each loaded covariate's label as the
    admin gave it (one query per request)."""
    return _cached(("covariate_labels",), lambda: {**BUILT_IN_LABELS, **covariate_labels(session)})


def covariate_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A covariate column in words: its label where known, else its name prettified
    ("street_lights" -> "Street lights")."""
    return (labels or {}).get(name) or name.replace("_", " ").strip().capitalize()


def modelled_indicators(analysis: WaveAnalysis) -> list[str]:
    """The indicators of the wave a model can be fitted to: every share indicator of the
    catalogue (all of them are shares) with neighbourhood figures, not withheld, in catalogue
    order (as the dashboard lists them)."""
    return [i for i in available_indicators(analysis) if i not in analysis.withheld
            and any(analysis.current.row(i, slug) is not None for slug in analysis.places)]


def _cached(key: tuple, make) -> Any:
    """``make()`` once per request for ``key`` (on ``g``; every call outside an app context)."""
    if not has_app_context():
        return make()
    store = g.setdefault("small_areas", {})
    if key not in store:
        store[key] = make()
    return store[key]


def _covariates(session: Session, analysis: WaveAnalysis) -> tuple[pd.DataFrame, dict[str, float]]:
    return _cached(("covariates", analysis.wave.slug, analysis.fingerprint),
                   lambda: neighbourhood_covariates(session, analysis))


def available_covariates(session: Session, analysis: WaveAnalysis) -> tuple[str, ...]:
    """The covariate columns the portal holds for the wave's neighbourhoods."""
    frame, _populations = _covariates(session, analysis)
    return tuple(str(c) for c in frame.columns if c != "area")


def saved_choices(session: Session, analysis: WaveAnalysis) -> dict[str, tuple[str, ...]]:
    """{indicator: the covariates saved for it} of the wave (one query per request)."""
    return _cached(("choices", analysis.wave.slug), lambda: {
        c.indicator: tuple(str(name) for name in c.covariates or ())
        for c in model_choices(session, analysis.wave.slug)})


def fit_indicator(session: Session, analysis: WaveAnalysis, indicator: str,
                  chosen: Sequence[str] | None) -> IndicatorFit:
    """The model of ``indicator`` with the ``chosen`` covariates (None: every one available),
    in the order the portal holds them (the fit drops the last first when it must)."""
    frame, populations = _covariates(session, analysis)
    available = available_covariates(session, analysis)
    wanted = set(available if chosen is None else chosen)
    asked = tuple(c for c in available if c in wanted)
    missing = tuple(c for c in (chosen or ()) if c not in available)

    def fit() -> ModelBased | None:
        if not len(frame):
            return None
        current = analysis.current
        rows = {area: current.row(indicator, area) for area in frame["area"]}
        authority = current.row(indicator, None)
        return model_based(rows, authority["estimate"] if authority else None,
                           frame[["area", *asked]], populations, indicator,
                           analysis.disclosure.flag_below)

    model = _cached(("model", analysis.wave.slug, analysis.fingerprint, indicator, asked), fit)
    return IndicatorFit(indicator, available, None if chosen is None else tuple(chosen), asked,
                        missing, model, covariate_names(session))


def indicator_model(session: Session, analysis: WaveAnalysis, indicator_id: str
                    ) -> ModelBased | None:
    """The wave's model-based ``indicator_id`` by neighbourhood with the saved covariates (all
    available if none are saved), or None when it cannot be fitted or is not modelled."""
    if indicator_id not in modelled_indicators(analysis):
        return None
    return fit_indicator(session, analysis, indicator_id,
                         saved_choices(session, analysis).get(indicator_id)).model


def ni21_model(session: Session, analysis: WaveAnalysis) -> ModelBased | None:
    """The wave's model-based NI 21 by neighbourhood, or None when it cannot be fitted."""
    return indicator_model(session, analysis, HEADLINE_ID)


def published_indicators(session: Session, analysis: WaveAnalysis) -> list[str]:
    """The indicators whose model-based figures are published (see the module docstring)."""
    saved = saved_choices(session, analysis)
    return [i for i in modelled_indicators(analysis) if i == HEADLINE_ID or i in saved]


def published_models(session: Session, analysis: WaveAnalysis) -> dict[str, ModelBased]:
    """{indicator: its model} for every published indicator that could be fitted."""
    models = {i: indicator_model(session, analysis, i)
              for i in published_indicators(session, analysis)}
    return {i: m for i, m in models.items() if m is not None}


def save_model_choice(session: Session, wave: Wave, analysis: WaveAnalysis, indicator: str,
                      covariates: Sequence[str], actor=None) -> ModelChoice:
    """Save the covariates of ``indicator``'s model in ``wave`` (replacing any saved before),
    audited; refused, with what may be chosen, for an indicator the wave does not model or a
    covariate the portal does not hold for it."""
    known = modelled_indicators(analysis)
    if indicator not in known:
        raise ModelChoiceError(f"No model is fitted to {indicator!r} in wave {wave.slug}: choose "
                               f"from {', '.join(known)}.")
    available = available_covariates(session, analysis)
    unknown = [c for c in covariates if c not in available]
    if unknown:
        listing = ", ".join(available) if available else "none (no covariate varies this wave)"
        raise ModelChoiceError(f"{unknown[0]!r} is not a covariate the portal holds for the "
                               f"neighbourhoods in wave {wave.slug}: choose from {listing}.")
    names = [c for c in available if c in set(covariates)]
    choice = model_choice(session, wave.id, indicator)
    before = list(choice.covariates) if choice is not None else None
    if choice is None:
        choice = ModelChoice(wave_id=wave.id, indicator=indicator)
        session.add(choice)
    choice.covariates, choice.chosen_at = names, utcnow()
    choice.chosen_by_id = getattr(actor, "id", None)
    audit.record(session, "model_choice.saved", "wave", wave.slug, actor=actor,
                 indicator=indicator, covariates=names, before=before)
    if has_app_context():
        g.get("small_areas", {}).pop(("choices", analysis.wave.slug), None)
    return choice
