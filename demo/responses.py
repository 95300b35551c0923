"""Synthetic population and survey responses for the demo authority (a BANES-like area).

Pure numpy/pandas and deterministic from a seed. The population is residents aged 16+ by
neighbourhood x age band x sex (about 145,000 adults, as Bath and North East Somerset), with an
ethnicity mix per neighbourhood (about 90% white British overall).

``generate_responses`` draws an achieved sample with realistic non-response bias (older people and
women over-represented, 16-24s at about half their population share, estates under-represented)
and answers the standard questionnaire (contract: one column per question id, snake_case codes,
NaN for no answer). Answer probabilities are set per population cell (neighbourhood x age x sex) on
the logit scale, with each indicator's intercept solved so that the *population* value hits a
target: NI 21 is 25.5% in 2008-09, about 28% in 2009-10 and 31% in 2010-11 (Twerton and Southdown
lower, rural areas higher); worried about any crime about 33% against about 16% victims of any
crime; burglary worry to burglary victimisation about 6:1; drunk or rowdy behaviour a big problem
for 51%-71% of Bath city-centre residents (NI 41). Because confidence rises with age and older
people over-respond, the unweighted NI 21 is visibly higher than the weighted one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.catalogue import ASB_STRANDS

AGE_BANDS = ["16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"]
SEXES = ["female", "male"]
ETHNICITIES = [
    "white_british",
    "white_other",
    "mixed",
    "asian_or_asian_british",
    "black_or_black_british",
    "other_ethnic_group",
]
WAVES = ["2008-09", "2009-10", "2010-11"]

# Age profiles of the 16+ population (shares by age band, sum to 1).
_AGE_PROFILES = {
    "student": [0.38, 0.22, 0.12, 0.10, 0.08, 0.05, 0.05],
    "city": [0.30, 0.25, 0.13, 0.10, 0.09, 0.07, 0.06],
    "estate": [0.18, 0.19, 0.17, 0.15, 0.12, 0.10, 0.09],
    "suburban": [0.12, 0.14, 0.17, 0.18, 0.16, 0.12, 0.11],
    "rural": [0.09, 0.10, 0.15, 0.19, 0.20, 0.15, 0.12],
}
_FEMALE_SHARE = np.array([0.50, 0.50, 0.51, 0.51, 0.51, 0.53, 0.61])


@dataclass(frozen=True)
class Neighbourhood:
    """A demo neighbourhood: slug, name, class (urban|rural) and the traits the generator uses."""

    slug: str
    name: str
    area_class: str
    adults: int  # residents aged 16+
    profile: str  # key of the age profile
    white_british: float  # share of adults
    deprivation: float  # 0 (affluent) .. 1 (most deprived)
    nightlife: float  # 0 .. 1, drives drunk/rowdy and violent crime
    car_share: float  # households with use of a car or van
    confidence: float  # logit shift for NI 21 / NI 27


NEIGHBOURHOOD_LIST = [
    Neighbourhood(
        "bath-city-centre", "Bath City Centre", "urban", 9000, "city", 0.82, 0.45, 1.0, 0.50, -0.10
    ),
    Neighbourhood("twerton", "Twerton", "urban", 8500, "estate", 0.90, 0.95, 0.15, 0.62, -0.55),
    Neighbourhood("southdown", "Southdown", "urban", 7500, "estate", 0.91, 0.85, 0.10, 0.66, -0.45),
    Neighbourhood("whiteway", "Whiteway", "urban", 5500, "estate", 0.92, 0.90, 0.05, 0.64, -0.35),
    Neighbourhood(
        "oldfield-park", "Oldfield Park", "urban", 11000, "student", 0.84, 0.40, 0.35, 0.58, -0.10
    ),
    Neighbourhood(
        "widcombe", "Widcombe and Lyncombe", "urban", 9500, "suburban", 0.89, 0.20, 0.25, 0.80, 0.10
    ),
    Neighbourhood(
        "larkhall", "Larkhall and Walcot", "urban", 10500, "suburban", 0.88, 0.30, 0.40, 0.72, 0.05
    ),
    Neighbourhood(
        "combe-down", "Combe Down", "urban", 8000, "suburban", 0.93, 0.15, 0.05, 0.86, 0.15
    ),
    Neighbourhood("keynsham", "Keynsham", "urban", 13500, "suburban", 0.94, 0.30, 0.15, 0.86, 0.05),
    Neighbourhood(
        "midsomer-norton",
        "Midsomer Norton and Radstock",
        "urban",
        27000,
        "suburban",
        0.96,
        0.45,
        0.20,
        0.85,
        -0.05,
    ),
    Neighbourhood(
        "chew-valley", "Chew Valley", "rural", 16000, "rural", 0.97, 0.10, 0.0, 0.94, 0.35
    ),
    Neighbourhood("bathavon", "Bathavon", "rural", 19000, "rural", 0.96, 0.12, 0.0, 0.93, 0.35),
]

# The contract's view: slug, name, class, and the 16+ population by age band x sex.
NEIGHBOURHOODS: list[dict[str, Any]] = [
    {
        "slug": nb.slug,
        "name": nb.name,
        "class": nb.area_class,
        "population": {
            (age, sex): round(nb.adults * _AGE_PROFILES[nb.profile][a] * fs)
            for a, age in enumerate(AGE_BANDS)
            for sex, fs in (("female", _FEMALE_SHARE[a]), ("male", 1 - _FEMALE_SHARE[a]))
        },
    }
    for nb in NEIGHBOURHOOD_LIST
]

_BY_SLUG = {nb.slug: nb for nb in NEIGHBOURHOOD_LIST}
# The demo authority's neighbourhood -> urban/rural map, for ``by="area_class"`` breakdowns of
# demo responses (which carry no area_class column); the engine itself knows no neighbourhoods.
DEMO_AREA_CLASS = {nb.slug: nb.area_class for nb in NEIGHBOURHOOD_LIST}
# Non-white-British mix (shares of the non-white-British remainder).
_MINORITY_MIX = np.array([0.45, 0.15, 0.22, 0.10, 0.08])


def _select(neighbourhoods) -> list[Neighbourhood]:
    if neighbourhoods is None:
        return list(NEIGHBOURHOOD_LIST)
    unknown = [s for s in neighbourhoods if s not in _BY_SLUG]
    if unknown:
        raise ValueError(f"unknown neighbourhood(s): {', '.join(unknown)}")
    return [_BY_SLUG[s] for s in neighbourhoods]


def population_cells(neighbourhoods=None) -> pd.DataFrame:
    """The 16+ population by neighbourhood x age_band x sex (column ``population``)."""
    rows = []
    for nb in _select(neighbourhoods):
        pop = NEIGHBOURHOODS[NEIGHBOURHOOD_LIST.index(nb)]["population"]
        for age in AGE_BANDS:
            for sex in SEXES:
                rows.append((nb.slug, age, sex, pop[(age, sex)]))
    return pd.DataFrame(rows, columns=["neighbourhood", "age_band", "sex", "population"])


def _ethnic_shares(nb: Neighbourhood) -> np.ndarray:
    return np.concatenate([[nb.white_british], (1 - nb.white_british) * _MINORITY_MIX])


def population_margins(neighbourhoods=None, ethnicity: bool = True) -> pd.DataFrame:
    """Population margins as ``variable, category, population`` (residents aged 16+).

    Variables: age_band, sex, neighbourhood and (if ``ethnicity``) ethnicity. Every variable's
    margin sums to the same total, as rim weighting requires.
    """
    cells = population_cells(neighbourhoods)
    parts = []
    for var in ("age_band", "sex", "neighbourhood"):
        g = cells.groupby(var, sort=False)["population"].sum()
        parts.append(pd.DataFrame({"variable": var, "category": g.index, "population": g.values}))
    if ethnicity:
        tot = np.zeros(len(ETHNICITIES))
        for nb in _select(neighbourhoods):
            adults = cells.loc[cells.neighbourhood == nb.slug, "population"].sum()
            tot += adults * _ethnic_shares(nb)
        counts = np.floor(tot).astype(int)
        # largest remainders so the ethnicity margin has the same total as the others
        short = int(cells.population.sum() - counts.sum())
        counts[np.argsort(-(tot - np.floor(tot)))[:short]] += 1
        parts.append(
            pd.DataFrame({"variable": "ethnicity", "category": ETHNICITIES, "population": counts})
        )
    out = pd.concat(parts, ignore_index=True)
    out["population"] = out["population"].astype(np.int64)
    return out


# ---------------------------------------------------------------------------------------------
# Answer models. Every probability is logistic(intercept + cell effects); intercepts are solved
# so that the population value (over the 16+ population cells) equals the target.

_AGE_CONF = np.array([-0.60, -0.35, -0.15, 0.0, 0.20, 0.50, 0.60])  # NI 21 / NI 27 by age
_AGE_VICTIM = np.array([0.60, 0.40, 0.10, 0.0, -0.30, -0.60, -0.80])
_AGE_WORRY = np.array([-0.25, -0.05, 0.10, 0.15, 0.10, 0.0, -0.10])
_AGE_SAFE = np.array([0.10, 0.15, 0.10, 0.0, -0.10, -0.35, -0.70])
_AGE_ASB = np.array([-0.10, 0.05, 0.15, 0.15, 0.05, -0.10, -0.25])
_AGE_DK = np.array([0.16, 0.13, 0.10, 0.09, 0.08, 0.09, 0.12])  # don't know, NI 21 type items
_AGE_RESPONSE = np.array([0.60, 0.70, 0.85, 1.00, 1.30, 2.30, 2.30])  # response propensity
_SEX_RESPONSE = np.array([1.15, 0.85])


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _solve_intercept(offsets: np.ndarray, weights: np.ndarray, target: float) -> float:
    """Intercept a: sum(weights * logistic(a + offsets)) / sum(weights) == target (bisection)."""
    lo, hi = -20.0, 20.0
    wsum = weights.sum()
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if (weights * _logistic(mid + offsets)).sum() / wsum < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _wave_year(wave: str) -> int:
    try:
        return int(str(wave)[:4])
    except ValueError as exc:
        raise ValueError(f"wave {wave!r} should look like '2008-09'") from exc


def ni21_target(wave: str) -> float:
    """Population NI 21 the generator aims at: 25.5% in 2008-09, +2.75 points a year."""
    return float(np.clip(0.255 + 0.0275 * (_wave_year(wave) - 2008), 0.05, 0.9))


class _Model:
    """Cell-level answer probabilities for one wave (cells: neighbourhood x age x sex)."""

    def __init__(self, nbs: list[Neighbourhood], wave: str):
        cells = population_cells([nb.slug for nb in nbs])
        self.cells = cells
        self.pop = cells["population"].to_numpy(float)
        nb_index = {nb.slug: i for i, nb in enumerate(nbs)}
        self.nb = cells["neighbourhood"].map(nb_index).to_numpy()
        self.age = cells["age_band"].map({a: i for i, a in enumerate(AGE_BANDS)}).to_numpy()
        self.sex = cells["sex"].map({s: i for i, s in enumerate(SEXES)}).to_numpy()
        self.female = (self.sex == 0).astype(float)
        attr = lambda name: np.array([getattr(nb, name) for nb in nbs], float)[self.nb]  # noqa: E731
        dep, night, conf = attr("deprivation"), attr("nightlife"), attr("confidence")
        rural = np.array([nb.area_class == "rural" for nb in nbs], float)[self.nb]
        year = _wave_year(wave)
        self.dep, self.night, self.rural = dep, night, rural
        self.car = np.clip(
            attr("car_share") - 0.15 * (self.age == 6) - 0.05 * (self.age == 0), 0.2, 0.99
        )
        self.dk = _AGE_DK[self.age]
        base_w = self.pop * (1 - self.dk)

        def p(offsets, target, w=base_w):
            return _logistic(_solve_intercept(offsets, w, target) + offsets)

        conf_off = conf + _AGE_CONF[self.age] + 0.05 * (self.female * 2 - 1)
        self.p_ni21 = p(conf_off, ni21_target(wave))
        self.p_ni27 = p(0.8 * conf_off, 0.24 + 0.02 * (year - 2008))
        self.p_ni4 = p(-0.6 * dep + 0.3 * (self.age >= 4) - 0.2 * (self.age == 0), 0.29)
        self.p_ni23 = p(1.2 * dep + 0.6 * night - 0.2 * (self.age >= 5), 0.30)
        safe_off = 0.6 - 1.2 * self.female - 1.0 * dep + 0.5 * rural + _AGE_SAFE[self.age]
        self.p_safe_dark = p(safe_off, 0.62)
        self.p_safe_day = p(safe_off, 0.92)
        # worry: first "worried about something" (about 33%), then which crime types
        worry_off = 0.35 * self.female + 0.8 * dep - 0.3 * rural + _AGE_WORRY[self.age]
        self.p_worry_any = p(worry_off, 0.33, self.pop)
        vic_off = _AGE_VICTIM[self.age]
        self.p_vic_burglary = p(vic_off + 0.9 * dep - 0.4 * rural, 0.040, self.pop)
        self.p_vic_car = p(
            vic_off + 0.6 * dep + 0.4 * night - 0.5 * rural, 0.080, self.pop * self.car
        )
        self.p_vic_violent = p(
            1.2 * vic_off + 1.2 * night + 0.6 * dep - 0.6 * rural + 0.3 * (1 - self.female),
            0.070,
            self.pop,
        )
        # ASB: latent level per cell (added to a person-level normal)
        self.asb = 1.2 * dep + 0.6 * night + 0.5 * _AGE_ASB[self.age] / 0.25 * 0.25 - 0.4 * rural
        self.night = night
        # response propensity
        nb_resp = 1.0 - 0.25 * dep + 0.15 * rural
        self.propensity = self.pop * _AGE_RESPONSE[self.age] * _SEX_RESPONSE[self.sex] * nb_resp


# strand mean on the latent scale; how strongly it loads on the neighbourhood's nightlife
_ASB_MEAN = np.array([-0.15, 0.75, 0.85, 0.55, 0.45, 0.05, -1.30])
_ASB_NIGHT = np.array([0.5, 0.0, 0.3, 0.2, 0.3, 1.3, 0.0])
_PROBLEM_CODES = [
    "not_a_problem_at_all",
    "not_a_very_big_problem",
    "fairly_big_problem",
    "very_big_problem",
    "no_opinion",
]
_AGREE5 = [
    "strongly_agree",
    "tend_to_agree",
    "neither_agree_nor_disagree",
    "tend_to_disagree",
    "strongly_disagree",
    "dont_know",
]
_AGREE4 = [
    "definitely_agree",
    "tend_to_agree",
    "tend_to_disagree",
    "definitely_disagree",
    "dont_know",
]
_SAFE = [
    "very_safe",
    "fairly_safe",
    "neither_safe_nor_unsafe",
    "fairly_unsafe",
    "very_unsafe",
    "dont_know",
]
_WORRY = ["very_worried", "fairly_worried", "not_very_worried", "not_at_all_worried"]
_YESNO = ["yes", "no"]

QUESTION_COLUMNS = [
    "police_council_dealing",
    "seek_views",
    *ASB_STRANDS,
    "respect",
    "influence_decisions",
    "safe_after_dark",
    "safe_during_day",
    "car_use",
    "worry_burglary",
    "worry_car_crime",
    "worry_violent_crime",
    "victim_burglary",
    "victim_car_crime",
    "victim_violent_crime",
    "age_band",
    "sex",
    "ethnicity",
    "disability",
]


def _pick(rng, u_shape, probs_cols):
    """Vectorised categorical draw: probs_cols is (n, k) rows summing to 1 -> codes 0..k-1."""
    cum = np.cumsum(probs_cols, axis=1)
    u = rng.random(u_shape)[:, None]
    return np.minimum((u > cum).sum(axis=1), probs_cols.shape[1] - 1)


def _col(codes: npt.NDArray[np.integer], labels: list[str],
         categorical: bool) -> pd.Categorical[str] | np.ndarray:
    """One column from codes (-1 = blank): a categorical, or object strings with NaN blanks."""
    cat = pd.Categorical.from_codes(codes, categories=pd.Index(labels))
    if categorical:
        return cat
    return np.asarray(cat.astype(object))


# Answer labels of each question column, in code order (code k = labels[k], -1 = blank).
_LABELS: dict[str, list[str]] = {
    "police_council_dealing": _AGREE5,
    "seek_views": _AGREE5,
    "respect": _PROBLEM_CODES,
    "influence_decisions": _AGREE4,
    "safe_after_dark": _SAFE,
    "safe_during_day": _SAFE,
    "car_use": _YESNO,
    "age_band": [*AGE_BANDS, "prefer_not_to_say"],
    "sex": [*SEXES, "prefer_not_to_say"],
    "ethnicity": [*ETHNICITIES, "prefer_not_to_say"],
    "disability": ["yes", "no", "prefer_not_to_say"],
    **{c: _PROBLEM_CODES for c in ASB_STRANDS},
    **{c: _WORRY for c in ("worry_burglary", "worry_car_crime", "worry_violent_crime")},
    **{c: _YESNO for c in ("victim_burglary", "victim_car_crime", "victim_violent_crime")},
}


@dataclass
class _Draw:
    """The random state of one generated wave: the generator, the model and each row's cell.

    Every step draws from ``rng`` in a fixed order, so the output is deterministic from
    (seed, wave); reordering the steps changes every response.
    """

    rng: np.random.Generator
    model: _Model
    cell: np.ndarray  # (n,) population cell of each respondent
    item_nonresponse: float

    @property
    def n(self) -> int:
        return len(self.cell)

    def blank(self, codes: np.ndarray, rate: float | None = None) -> np.ndarray:
        """``codes`` with a random share ``rate`` (default: item non-response) made blank (-1)."""
        codes = codes.copy()
        codes[self.rng.random(self.n) < (self.item_nonresponse if rate is None else rate)] = -1
        return codes

    def agree5(self, p: np.ndarray, dk: np.ndarray, strong: float = 0.25) -> np.ndarray:
        """Agree scale: positive with probability p, else spread; don't know with probability dk."""
        u = self.rng.random(self.n)
        v = self.rng.random(self.n)
        is_dk = self.rng.random(self.n) < dk
        codes = np.where(
            u < p, np.where(v < strong, 0, 1), np.where(v < 0.38, 2, np.where(v < 0.78, 3, 4))
        )
        return np.where(is_dk, 5, codes)


def _draw_attitudes(d: _Draw) -> dict[str, np.ndarray]:
    """NI 21 and NI 27 agree scales, the ASB grid, respect (NI 23), influence (NI 4), safety."""
    m, cell, rng, n = d.model, d.cell, d.rng, d.n
    out: dict[str, np.ndarray] = {}
    dk = m.dk[cell]
    out["police_council_dealing"] = d.blank(d.agree5(m.p_ni21[cell], dk))
    out["seek_views"] = d.blank(d.agree5(m.p_ni27[cell], dk))
    out.update(_draw_asb_grid(d))
    # respect (NI 23): problem scale, big problem with probability p
    u, v = rng.random(n), rng.random(n)
    codes = np.where(u < m.p_ni23[cell], np.where(v < 0.3, 3, 2), np.where(v < 0.55, 1, 0))
    out["respect"] = d.blank(np.where(rng.random(n) < 0.05, 4, codes))
    # influence decisions (NI 4)
    u, v = rng.random(n), rng.random(n)
    codes = np.where(u < m.p_ni4[cell], np.where(v < 0.15, 0, 1), np.where(v < 0.6, 2, 3))
    out["influence_decisions"] = d.blank(np.where(rng.random(n) < dk + 0.05, 4, codes))
    for col, pcol in (("safe_after_dark", m.p_safe_dark), ("safe_during_day", m.p_safe_day)):
        u, v = rng.random(n), rng.random(n)
        codes = np.where(
            u < pcol[cell], np.where(v < 0.4, 0, 1), np.where(v < 0.35, 2, np.where(v < 0.75, 3, 4))
        )
        out[col] = d.blank(np.where(rng.random(n) < 0.02, 5, codes))
    return out


def _draw_asb_grid(d: _Draw) -> dict[str, np.ndarray]:
    """ASB grid: one latent level per person so strands are correlated; some skip the grid."""
    rng, n = d.rng, d.n
    latent = d.model.asb[d.cell] + rng.standard_normal(n)
    night = d.model.night[d.cell]
    grid_blank = rng.random(n) < d.item_nonresponse / 2
    out = {}
    for s, col in enumerate(ASB_STRANDS):
        y = _ASB_MEAN[s] + _ASB_NIGHT[s] * night + 0.9 * latent + rng.logistic(size=n) * 0.9
        score = (y > 0.6).astype(np.int8) + (y > 1.7) + (y > 2.9)
        codes = np.where(rng.random(n) < 0.04, 4, score)
        codes[grid_blank] = -1
        out[col] = d.blank(codes, d.item_nonresponse / 2)
    return out


def _draw_crime(d: _Draw) -> dict[str, np.ndarray]:
    """Car use, then worry (at least one crime type if worried) and victimisation, routed."""
    m, cell, rng, n = d.model, d.cell, d.rng, d.n
    car_yes = rng.random(n) < m.car[cell]
    out = {"car_use": d.blank(np.where(car_yes, 0, 1), d.item_nonresponse / 2)}
    asked_car = out["car_use"] == 0
    worried = rng.random(n) < m.p_worry_any[cell]
    w_b = worried & (rng.random(n) < 0.64)
    w_c = worried & asked_car & (rng.random(n) < 0.55)
    w_v = worried & (rng.random(n) < 0.48)
    w_b = w_b | (worried & ~(w_b | w_c | w_v))
    for col, flag, asked in (
        ("worry_burglary", w_b, None),
        ("worry_car_crime", w_c, asked_car),
        ("worry_violent_crime", w_v, None),
    ):
        v = rng.random(n)
        codes = d.blank(np.where(flag, np.where(v < 0.3, 0, 1), np.where(v < 0.6, 2, 3)))
        if asked is not None:
            codes[~asked] = -1
        out[col] = codes
    for col, pcol, asked in (
        ("victim_burglary", m.p_vic_burglary, None),
        ("victim_car_crime", m.p_vic_car, asked_car),
        ("victim_violent_crime", m.p_vic_violent, None),
    ):
        codes = d.blank(np.where(rng.random(n) < pcol[cell], 0, 1))
        if asked is not None:
            codes[~asked] = -1
        out[col] = codes
    return out


def _draw_demographics(d: _Draw, nbs: list[Neighbourhood],
                       prefer_not_to_say: float) -> dict[str, np.ndarray]:
    """Weighting and breakdown variables: age band and sex (with prefer not to say), ethnicity
    by neighbourhood, disability by age."""
    rng, n = d.rng, d.n
    age = d.model.age[d.cell]
    age_codes = age.astype(np.int64)
    age_codes[rng.random(n) < prefer_not_to_say] = len(AGE_BANDS)
    sex_codes = d.model.sex[d.cell].astype(np.int64)
    sex_codes[rng.random(n) < prefer_not_to_say] = len(SEXES)
    eth_p = np.array([_ethnic_shares(nb) for nb in nbs]) * np.array([1.0] + [0.75] * 5)
    eth_p /= eth_p.sum(axis=1, keepdims=True)
    eth = _pick(rng, n, eth_p[d.model.nb[d.cell]])
    eth[rng.random(n) < 0.02] = len(ETHNICITIES)
    dis = np.where(rng.random(n) < 0.08 + 0.05 * age, 0, 1)
    dis[rng.random(n) < 0.02] = 2
    return {"age_band": age_codes, "sex": sex_codes, "ethnicity": eth, "disability": dis}


def _draw_fieldwork(d: _Draw, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Submission times over the wave's financial year (1 April to 31 March), sorted, and mode
    codes (online, paper, phone; older people answer on paper more often)."""
    rng, n = d.rng, d.n
    start = np.datetime64(f"{year}-04-01T00:00:00")
    span = int((np.datetime64(f"{year + 1}-04-01T00:00:00") - start) / np.timedelta64(1, "s"))
    when = start + np.sort(rng.integers(0, span, size=n)).astype("timedelta64[s]")
    older = d.model.age[d.cell] >= 5
    mode = np.where(
        rng.random(n) < np.where(older, 0.35, 0.70), 0, np.where(rng.random(n) < 0.85, 1, 2)
    )
    return when, mode


def generate_responses(
    n: int = 1500,
    seed: int = 0,
    wave: str = "2008-09",
    *,
    neighbourhoods: list[str] | tuple[str, ...] | None = None,
    prefer_not_to_say: float = 0.02,
    item_nonresponse: float = 0.02,
    categorical: bool = False,
) -> pd.DataFrame:
    """``n`` synthetic responses to the standard questionnaire for one wave, in the wide format.

    Deterministic from (``seed``, ``wave``). ``prefer_not_to_say`` is the share answering
    "prefer not to say" to age and to sex (set 0 for data where every weighting variable is
    present); ``item_nonresponse`` the base rate of blanks per question. Routing is respected:
    car crime items are blank unless ``car_use == "yes"``. ``categorical=True`` returns pandas
    categoricals (much faster and smaller for a million rows; same values); otherwise object
    columns of strings with NaN for blanks.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    nbs = _select(neighbourhoods)
    year = _wave_year(wave)
    rng = np.random.default_rng([int(seed), year])
    m = _Model(nbs, wave)
    cell = rng.choice(len(m.pop), size=n, p=m.propensity / m.propensity.sum())
    d = _Draw(rng, m, cell, item_nonresponse)
    # The order of these draws is part of the output: see _Draw.
    out = {**_draw_attitudes(d), **_draw_crime(d), **_draw_demographics(d, nbs, prefer_not_to_say)}
    when, mode = _draw_fieldwork(d, year)
    ids = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7)
    frame = {
        "response_id": (f"s{int(seed)}-{wave}-" + ids).to_numpy(object),
        "wave": _col(np.zeros(n, np.int64), [str(wave)], categorical),
        "neighbourhood": _col(m.nb[cell], [nb.slug for nb in nbs], categorical),
        "mode": _col(mode, ["online", "paper", "phone"], categorical),
        "submitted_at": np.datetime_as_string(when, unit="s").astype(object),
    }
    for col in QUESTION_COLUMNS:
        frame[col] = _col(np.asarray(out[col]), _LABELS[col], categorical)
    return pd.DataFrame(frame)


def generate_waves(n_per_wave: int = 1500, seed: int = 0, waves=WAVES, **kwargs) -> pd.DataFrame:
    """Responses for several waves stacked (about ``n_per_wave`` each, varied by a few percent)."""
    parts = []
    for i, wave in enumerate(waves):
        size = round(n_per_wave * (1 + 0.04 * ((i * 7919 + seed) % 5 - 2) / 2))
        parts.append(generate_responses(size, seed=seed, wave=wave, **kwargs))
    return pd.concat(parts, ignore_index=True)
