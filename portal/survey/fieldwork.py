"""The fieldwork monitor of a wave in the field: what its page shows, and targeted reminders.

Why: while a wave is open, admins and analysts see who has answered against the population (by
neighbourhood, age band and sex), the design effect the weights would have now and NI 21's
projected interval per neighbourhood at the close (figures from `analysis.fieldwork`), so they
can remind the neighbourhoods furthest below their share instead of the whole panel. Panel files
carry no age band (`id,email,neighbourhood`), so reminders are chosen by neighbourhood only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

import surveys
from analysis.fieldwork import (
    DesignEffectNow,
    Projection,
    ShareRow,
    achieved_shares,
    days_so_far,
    design_effect_now,
    projected_half_widths,
)
from analysis.formatting import plural
from portal.areas.queries import neighbourhood_names
from portal.core import audit
from portal.core.refusals import Refusal
from portal.models import Wave, WaveState
from portal.survey import queries
from portal.survey.frames import population_margins, wave_frame
from portal.survey.queries import DatasetError
from portal.survey.waves import wave_questionnaire

BREAKDOWNS = (("neighbourhood", "Neighbourhood"), ("age_band", "Age band"), ("sex", "Sex"))


@dataclass(frozen=True)
class Breakdown:
    """One table of the page: a weighting variable's categories, furthest below share first."""

    variable: str
    title: str
    rows: list[ShareRow]
    labels: dict[str, str]  # category code -> the words the page shows


@dataclass(frozen=True)
class FieldworkPage:
    wave: Wave
    state: WaveState
    responses: int
    days_so_far: int
    days_open: int
    breakdowns: list[Breakdown]
    design_effect: DesignEffectNow | None
    projections: list[Projection]
    names: dict[str, str]  # neighbourhood slug -> name
    to_remind: dict[str, int]  # neighbourhood slug -> non-responders a reminder would reach
    below_share: list[str]  # neighbourhood slugs below their share, furthest first
    problem: str | None = None  # why there are no figures (no population loaded)


def fieldwork_page(session: Session, wave: Wave, today: date) -> FieldworkPage:
    """Everything the monitor shows for ``wave`` on ``today``, as plain values."""
    frame = wave_frame(session, wave)
    names = neighbourhood_names(session)
    elapsed, total = days_so_far(wave.opens_on, wave.closes_on, today)
    to_remind = queries.non_responders_by_neighbourhood(session, wave) if wave.panel_mode else {}
    page = FieldworkPage(wave, wave.state_on(today), len(frame), elapsed, total, [], None, [], names,
                         to_remind, [])
    try:
        margins = population_margins(session)
    except DatasetError as error:
        return replace(page, problem=str(error))
    labels = _labels(session, wave, names)
    breakdowns = [Breakdown(var, title, achieved_shares(frame, margins, var), labels.get(var, {}))
                  for var, title in BREAKDOWNS]
    deff = design_effect_now(frame, margins)
    places = [row.category for row in breakdowns[0].rows]
    projections = projected_half_widths(frame, sorted(places, key=lambda s: names.get(s, s)),
                                        opens_on=wave.opens_on, closes_on=wave.closes_on, today=today,
                                        design_effect=deff.value, weights=deff.weights)
    below = [row.category for row in breakdowns[0].rows if row.gap < 0]
    return replace(page, breakdowns=breakdowns, design_effect=deff, projections=projections,
                   below_share=below)


def _labels(session: Session, wave: Wave, names: dict[str, str]) -> dict[str, dict[str, str]]:
    """Category words: neighbourhood names, and the questionnaire's own age band and sex options."""
    labels = {"neighbourhood": names}
    questionnaire = wave_questionnaire(session, wave)
    for var in ("age_band", "sex"):
        try:
            labels[var] = surveys.option_labels(questionnaire, var)
        except KeyError:  # a questionnaire without the question: the codes are shown
            labels[var] = {}
    return labels


class RemindersRefused(Refusal):
    """Targeted reminders that cannot be sent; the message says why."""


@dataclass(frozen=True)
class ReminderRound:
    count: int
    neighbourhood_ids: list[int]


def targeted_reminders(session: Session, wave: Wave, slugs: list[str], today: date) -> ReminderRound:
    """Check a targeted round (wave in the field, a panel, known neighbourhoods, someone to remind)
    and record it in the audit log with counts only; the caller commits and queues the job."""
    if not wave.panel_mode:
        raise RemindersRefused("This wave has no panel, so there is nobody to remind.")
    state = wave.state_on(today)
    if state != WaveState.IN_FIELD:
        raise RemindersRefused(f"Reminders can only be sent while the wave is open; it is "
                               f"{state.label.lower()}.")
    if not slugs:
        raise RemindersRefused("Choose at least one neighbourhood to remind.")
    ids = queries.neighbourhood_ids_by_slug(session, slugs)
    unknown = sorted(set(slugs) - set(ids))
    if unknown:
        raise RemindersRefused(f"Not a neighbourhood: {', '.join(unknown)}.")
    count = queries.non_responder_count(session, wave, ids.values())
    if not count:
        raise RemindersRefused("Everyone invited in those neighbourhoods has answered or left the "
                               "panel: no reminder was sent.")
    audit.record(session, "panel_reminders_sent", "wave", wave.slug, count=count,
                 neighbourhoods=len(ids))
    return ReminderRound(count, sorted(ids.values()))


def round_message(sent: ReminderRound) -> str:
    return (f"Sending {plural(sent.count, 'reminder')} to panel members in "
            f"{plural(len(sent.neighbourhood_ids), 'neighbourhood')}. Each has a new link; the "
            "earlier links no longer work.")
