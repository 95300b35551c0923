"""Each API resource as plain values, read out of the functions the public pages and the PDF
reports use: `portal.reports.data` (the cached wave analysis), `analysis.report` (figures with
disclosure control applied) and `portal.pact.pages` (the public PACT page). Nothing
is estimated or counted here; suppressed figures arrive as None and stay None.

Shares are fractions 0..1, unrounded (the CSV rounds them as the pages print, through
`analysis.formatting.percent_value`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.formatting import percent_value
from analysis.model_based import ModelBased
from analysis.report import CRIME_LABELS, WaveAnalysis, indicator_figures
from portal.api.http import ApiError
from portal.core.clock import local
from portal.core.links import public_url
from portal.models import IssueCategory, Neighbourhood, PopulationEstimate, Response, Wave, WaveState
from portal.pact.pages import neighbourhood_page
from portal.pact.public_summary import you_said
from portal.reports.cache import analysis_cache
from portal.reports.data import ReportError, WaveNotReady
from portal.survey.queries import waves_with_responses

WEIGHTING_VARIABLE = "age_band"  # every margin sums to the adult population; age is always given


def find_place(session: Session, slug: str) -> Neighbourhood:
    place = session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
    if place is None:
        valid = list(session.scalars(select(Neighbourhood.slug).order_by(Neighbourhood.slug)))
        raise ApiError(404, "unknown_neighbourhood", f"Unknown neighbourhood {slug!r}.", valid)
    return place


def wave_status(wave: Wave, today: date) -> WaveState:
    return wave.state_on(today)


def find_published_wave(session: Session, slug: str, today: date) -> Wave:
    """A wave whose results may be published: it exists and its fieldwork has closed (a wave
    in the field has a partial sample, not results)."""
    wave = session.scalar(select(Wave).where(Wave.slug == slug))
    if wave is None:
        valid = list(session.scalars(select(Wave.slug).order_by(Wave.opens_on)))
        raise ApiError(404, "unknown_wave", f"Unknown wave {slug!r}.", valid)
    if wave_status(wave, today) != WaveState.CLOSED:
        raise ApiError(409, "wave_not_closed", f"Wave {slug} is still in the field or has not "
                       "started: results are published when its fieldwork closes.")
    return wave


def wave_analysis(session: Session, wave: Wave) -> WaveAnalysis:
    """The wave's analysis from the app's cache, the one the analyst dashboard and PDFs use."""
    try:
        return analysis_cache().get(session, wave.slug)
    except WaveNotReady as error:
        raise ApiError(409, "no_results", str(error)) from None
    except ReportError as error:
        raise ApiError(409, "no_results", str(error)) from None


def neighbourhoods(session: Session) -> list[dict]:
    adults = dict(session.execute(
        select(PopulationEstimate.neighbourhood_id, func.sum(PopulationEstimate.population))
        .where(PopulationEstimate.variable == WEIGHTING_VARIABLE)
        .group_by(PopulationEstimate.neighbourhood_id)).all())
    out = []
    for place in session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)):
        out.append({
            "slug": place.slug, "name": place.name,
            "population": int(adults[place.id]) if place.id in adults else None,
            "links": {
                "page": public_url("public.neighbourhood", slug=place.slug),
                "pact": public_url("api.pact", slug=place.slug),
                "results": public_url("results.neighbourhood", slug=place.slug),
                "meetings_calendar": public_url("subscriptions.meetings", slug=place.slug),
                "feed": public_url("subscriptions.feed", slug=place.slug),
            },
        })
    return out


def waves(session: Session, today: date) -> list[dict]:
    achieved = dict(session.execute(select(Response.wave_id, func.count())
                                    .group_by(Response.wave_id)).all())
    out = []
    for wave in session.scalars(select(Wave).order_by(Wave.opens_on)):
        status = wave_status(wave, today)
        links = {}
        if status == WaveState.CLOSED and achieved.get(wave.id):
            links = {"indicators": public_url("api.indicators", wave=wave.slug),
                     "perception_gap": public_url("api.perception_gap", wave=wave.slug)}
        questionnaire = wave.questionnaire
        out.append({
            "slug": wave.slug, "label": wave.name, "status": status,
            "fieldwork": {"opens_on": wave.opens_on.isoformat(),
                          "closes_on": wave.closes_on.isoformat()},
            "achieved_sample": int(achieved.get(wave.id, 0)),
            "questionnaire": ({"slug": questionnaire.slug, "version": questionnaire.version}
                              if questionnaire else None),
            "links": links,
        })
    return out


def indicators(analysis: WaveAnalysis, slug: str | None,
               models: Mapping[str, ModelBased] | None = None) -> list[dict]:
    """Every indicator of the wave for one neighbourhood (None: the authority): the figures the
    dashboard table and the PDF print (`analysis.report.indicator_figures`), each with its
    model-based figure where a published model is fitted (``models``, by indicator: NI 21, and
    any indicator whose covariates an analyst saved for the wave), else null."""
    models = models or {}
    return [{"indicator": key, "label": f.label, "estimate": f.estimate, "ci_lower": f.ci_lower,
             "ci_upper": f.ci_upper, "base": f.n, "flag": f.flag,
             "model_based": (models[key].api(slug) if key in models and slug is not None
                             else None)}
            for key, f in indicator_figures(analysis, slug)]


def _in_area(group, slug: str | None) -> bool:
    if slug is None:
        return group is None or group != group  # None or NaN: the whole authority
    return isinstance(group, dict) and group.get("neighbourhood") == slug


def _number(value):
    return None if value is None or value != value else float(value)


def perception_gap(analysis: WaveAnalysis, slug: str | None) -> list[dict]:
    """Worried and victimised (each with the interval its indicator has), their difference and
    ratio with the engine's intervals (`analysis.gap`); all null when the row is suppressed."""
    out = []
    for r in analysis.gap.to_dict("records"):
        if not _in_area(r["group"], slug):
            continue
        hidden = r["flag"] == "suppressed"
        row = {"crime": r["crime"], "label": CRIME_LABELS.get(r["crime"], r["crime"])}
        for side, base in (("worried", "n_worried"), ("victim", "n_victim")):
            estimate = analysis.current.row(f"{'worry' if side == 'worried' else 'victim'}_"
                                            f"{r['crime']}", slug)
            row[side] = _number(r[side])
            row[f"{side}_ci_lower"] = None if hidden or estimate is None else _number(
                estimate["ci_lower"])
            row[f"{side}_ci_upper"] = None if hidden or estimate is None else _number(
                estimate["ci_upper"])
            row[f"{side}_base"] = int(r[base])
        for key in ("difference", "difference_ci_lower", "difference_ci_upper", "ratio",
                    "ratio_ci_lower", "ratio_ci_upper"):
            row[key] = _number(r[key])
        row["flag"] = r["flag"] if r["flag"] == r["flag"] else None
        out.append(row)
    return out


@dataclass(frozen=True)
class Area:
    slug: str | None
    name: str


def _date(value: datetime | None) -> str | None:
    return local(value).date().isoformat() if value else None


def _priority(priority) -> dict:
    updates = [u for u in priority.updates if u.public]
    return {"title": priority.title, "description": priority.description or None,
            "agreed_on": _date(priority.created_at),
            "led_by": priority.owner_agency.name if priority.owner_agency else None,
            "review_on": priority.review_on.isoformat() if priority.review_on else None,
            "latest_update": ({"on": _date(updates[-1].at), "text": updates[-1].body}
                              if updates else None)}


def _you_said_we_did(page) -> list[dict]:
    items = [{"kind": "priority", "you_said": p.title, "we_did": p.outcome,
              "on": _date(p.closed_at), "reference": None} for p in page.completed_priorities]
    items += [{"kind": "issue", "you_said": you_said(i, IssueCategory.label_of(i.category)),
               "we_did": i.outcome, "on": _date(i.closed_at), "reference": i.reference}
              for i in page.resolved_issues]
    return items


def pact(session: Session, place: Neighbourhood, now: datetime) -> dict:
    """The public PACT page's content (`neighbourhood_page`), field for field."""
    page = neighbourhood_page(session, place, now)
    meeting, m = page.next_meeting, page.metrics
    assert m is not None  # neighbourhood_page always works the metrics out
    return {
        "neighbourhood": {"slug": place.slug, "name": place.name},
        "next_meeting": ({"starts_at": meeting.starts_at.isoformat(), "venue": meeting.venue}
                         if meeting else None),
        "priorities": [_priority(p) for p in page.priorities],
        "you_said_we_did": _you_said_we_did(page),
        "pledge": {
            "period_start": _date(page.metrics_since), "period_end": _date(now),
            "raised": m.raised, "closed": m.closed,
            "share_dealt_with_locally": m.share_dealt_with_locally,
            "share_first_response_within_24h": m.share_first_response_within_24h,
            "first_response_base": m.first_response_base,
            # Rounded once, as the pages print it (formatting.days); the CSV takes it from here.
            "median_days_to_close": _rounded(m.median_days_to_close, 1), "open_issues": m.open_issues,
        },
    }


# --------------------------------------------------------------------------- CSV tables

INDICATOR_HEADER = ["wave", "area", "indicator", "label", "estimate_pct", "ci_lower_pct",
                    "ci_upper_pct", "base", "flag"]
GAP_HEADER = ["wave", "area", "crime", "label", "worried_pct", "worried_ci_lower_pct",
              "worried_ci_upper_pct", "worried_base", "victim_pct", "victim_ci_lower_pct",
              "victim_ci_upper_pct", "victim_base", "difference_points",
              "difference_ci_lower_points", "difference_ci_upper_points", "ratio",
              "ratio_ci_lower", "ratio_ci_upper", "flag"]
PLEDGE_HEADER = ["neighbourhood", "period_start", "period_end", "figure", "value"]


def indicator_rows(wave: str, area: Area, items: list[dict]) -> list[list]:
    return [[wave, area.name, i["indicator"], i["label"], percent_value(i["estimate"]),
             percent_value(i["ci_lower"]), percent_value(i["ci_upper"]), i["base"], i["flag"]]
            for i in items]


def _ratio(value):
    return None if value is None else round(value, 1)  # as formatting.ratio prints it


def gap_rows(wave: str, area: Area, items: list[dict]) -> list[list]:
    rows = []
    for g in items:
        shares = [percent_value(g[k]) for k in (
            "worried", "worried_ci_lower", "worried_ci_upper")] + [g["worried_base"]]
        shares += [percent_value(g[k]) for k in ("victim", "victim_ci_lower",
                                                 "victim_ci_upper")] + [g["victim_base"]]
        shares += [percent_value(g[k]) for k in ("difference", "difference_ci_lower",
                                                 "difference_ci_upper")]
        rows.append([wave, area.name, g["crime"], g["label"], *shares, _ratio(g["ratio"]),
                     _ratio(g["ratio_ci_lower"]), _ratio(g["ratio_ci_upper"]), g["flag"]])
    return rows


def pledge_rows(data: dict) -> list[list]:
    p = data["pledge"]
    rows = []
    for key, value in p.items():
        if key in ("period_start", "period_end"):
            continue
        if key.startswith("share_"):
            key, value = f"{key}_pct", percent_value(value)
        rows.append([data["neighbourhood"]["slug"], p["period_start"], p["period_end"], key, value])
    return rows


def _rounded(value: float | None, digits: int) -> float | None:
    """`value` rounded for printing (the one rounding it gets), or None."""
    return None if value is None else round(value, digits)


def example_wave(session: Session, today: date) -> str:
    """The latest closed wave with responses (for examples), else any wave, else a placeholder."""
    all_waves = list(session.scalars(select(Wave).order_by(Wave.opens_on)))
    closed = [w for w in waves_with_responses(session) if wave_status(w, today) == WaveState.CLOSED]
    chosen = (closed or all_waves)
    return chosen[-1].slug if chosen else "2010-11"


def example_place(session: Session) -> str:
    return session.scalar(select(Neighbourhood.slug).order_by(Neighbourhood.name).limit(1)) \
        or "twerton"
