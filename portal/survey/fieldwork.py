"""The fieldwork monitor of a wave in the field: what its page shows, and targeted reminders.

Why: while a wave is open, admins and analysts see who has answered against the population (by
neighbourhood, age band and sex), the design effect the weights would have now and NI 21's
projected interval per neighbourhood at the close (figures from `analysis.fieldwork`), so they
can remind the neighbourhoods furthest below their share instead of the whole panel. When the
panel file gave members' age bands (the optional `age_band` column), reminders can be chosen by age
band too: a round goes to the members in the chosen neighbourhoods AND of the chosen bands; with no
band chosen, every band and the members whose band is not known.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
from portal.survey.panel import age_bands
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
    # {(neighbourhood slug, age band or None): non-responders}, every pair on the wave's panel
    waiting: dict[tuple[str, str | None], int] = field(default_factory=dict)
    bands: dict[str, str] = field(default_factory=dict)  # band code -> label, furthest below first
    below_share_bands: list[str] = field(default_factory=list)  # band codes below their share

    @property
    def places(self) -> list[tuple[str, str]]:
        """(slug, name) of every neighbourhood, furthest below its share first (by name without
        figures, and after those with figures)."""
        order = {slug: n for n, slug in enumerate(self._order("neighbourhood"))}
        return sorted(self.names.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[1]))

    def _order(self, variable: str) -> list[str]:
        return [row.category for b in self.breakdowns if b.variable == variable for row in b.rows]

    @property
    def panel_has_bands(self) -> bool:
        """Whether anyone on the wave's panel has an age band (then reminders can be chosen by band)."""
        return bool(self.bands) and any(band is not None for _, band in self.waiting)

    @property
    def to_remind_by_band(self) -> dict[str | None, int]:
        """{age band code, or None for not known: non-responders a reminder would reach}."""
        counts: dict[str | None, int] = {}
        for (_, band), n in self.waiting.items():
            counts[band] = counts.get(band, 0) + n
        return counts

    def reminders_for(self, slugs: list[str], bands: list[str]) -> int:
        """How many a round to ``slugs`` x ``bands`` would send (no band chosen: every band and
        none); the rule's own count, worked out from the page's figures."""
        return sum(n for (slug, band), n in self.waiting.items()
                   if slug in slugs and (not bands or band in bands))


def fieldwork_page(session: Session, wave: Wave, today: date) -> FieldworkPage:
    """Everything the monitor shows for ``wave`` on ``today``, as plain values."""
    frame = wave_frame(session, wave)
    names = neighbourhood_names(session)
    elapsed, total = days_so_far(wave.opens_on, wave.closes_on, today)
    waiting = queries.non_responders_by_place_and_band(session, wave) if wave.panel_mode else {}
    to_remind: dict[str, int] = {}
    for (slug, _band), count in waiting.items():
        to_remind[slug] = to_remind.get(slug, 0) + count
    labels = _labels(session, wave, names)
    page = FieldworkPage(wave, wave.state_on(today), len(frame), elapsed, total, [], None, [], names,
                         to_remind, [], waiting=waiting, bands=labels["panel_age_band"])
    try:
        margins = population_margins(session)
    except DatasetError as error:
        return replace(page, problem=str(error))
    breakdowns = [Breakdown(var, title, achieved_shares(frame, margins, var), labels.get(var, {}))
                  for var, title in BREAKDOWNS]
    deff = design_effect_now(frame, margins)
    places = [row.category for row in breakdowns[0].rows]
    projections = projected_half_widths(frame, sorted(places, key=lambda s: names.get(s, s)),
                                        opens_on=wave.opens_on, closes_on=wave.closes_on, today=today,
                                        design_effect=deff.value, weights=deff.weights)
    below = [row.category for row in breakdowns[0].rows if row.gap < 0]
    order = {row.category: n for n, row in enumerate(breakdowns[1].rows)}
    bands = dict(sorted(page.bands.items(), key=lambda pair: order.get(pair[0], len(order))))
    return replace(page, breakdowns=breakdowns, design_effect=deff, projections=projections,
                   below_share=below, bands=bands,
                   below_share_bands=[row.category for row in breakdowns[1].rows
                                      if row.gap < 0 and row.category in bands])


def _labels(session: Session, wave: Wave, names: dict[str, str]) -> dict[str, dict[str, str]]:
    """Category words: neighbourhood names, and the questionnaire's own age band and sex options."""
    labels = {"neighbourhood": names}
    questionnaire = wave_questionnaire(session, wave)
    for var in ("age_band", "sex"):
        try:
            labels[var] = surveys.option_labels(questionnaire, var)
        except KeyError:  # a questionnaire without the question: the codes are shown
            labels[var] = {}
    labels["panel_age_band"] = age_bands(questionnaire)  # the bands a panel file may give
    return labels


class RemindersRefused(Refusal):
    """Targeted reminders that cannot be sent; the message says why."""


@dataclass(frozen=True)
class ReminderRound:
    count: int
    neighbourhood_ids: list[int]
    age_bands: list[str]  # band codes; empty: every band, and members with none


def _checked_choice(session: Session, wave: Wave, slugs: list[str], bands: list[str],
                    today: date) -> dict[str, int]:
    """{slug: id} of the chosen neighbourhoods once the round may be sent at all (wave in the field,
    a panel, known neighbourhoods and age bands); RemindersRefused says why not."""
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
    known = age_bands(wave_questionnaire(session, wave))
    strange = sorted(set(bands) - set(known))
    if strange:
        raise RemindersRefused(f"Not an age band of this wave's questionnaire: {', '.join(strange)}.")
    return ids


def targeted_reminders(session: Session, wave: Wave, slugs: list[str], today: date,
                       bands: list[str] | None = None) -> ReminderRound:
    """Check a targeted round (wave in the field, a panel, known neighbourhoods and age bands,
    someone to remind) and record it in the audit log with counts and the bands chosen, never who;
    the caller commits and queues the job. ``bands`` empty or None: every band, and members whose
    band is not known; otherwise only members of those bands."""
    bands = sorted(set(bands or []))
    ids = _checked_choice(session, wave, slugs, bands, today)
    count = queries.non_responder_count(session, wave, ids.values(), bands)
    if not count:
        whom = "in those neighbourhoods" + (" and age bands" if bands else "")
        raise RemindersRefused(f"Everyone invited {whom} has answered or left the panel: no reminder "
                               "was sent.")
    audit.record(session, "panel_reminders_sent", "wave", wave.slug, count=count,
                 neighbourhoods=len(ids), age_bands=bands or "all")
    return ReminderRound(count, sorted(ids.values()), bands)


def round_message(sent: ReminderRound, labels: dict[str, str]) -> str:
    """What the page says once a round is queued; ``labels`` are the age bands' words."""
    aged = (f" aged {' or '.join(labels.get(band, band) for band in sent.age_bands)}"
            if sent.age_bands else "")
    return (f"Sending {plural(sent.count, 'reminder')} to panel members{aged} in "
            f"{plural(len(sent.neighbourhood_ids), 'neighbourhood')}. Each has a new link; the "
            "earlier links no longer work.")


def reminders_preview(session: Session, page: FieldworkPage, slugs: list[str], bands: list[str],
                      today: date) -> int:
    """How many reminders the choice would send from ``page``'s wave, checked as sending checks it
    (nothing recorded; RemindersRefused as sending would refuse, but for nobody to remind)."""
    _checked_choice(session, page.wave, slugs, bands, today)
    return page.reminders_for(slugs, bands)
