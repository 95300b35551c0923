"""The analysis's words on the public results page, in the resident's language.

`analysis/` names its indicators, crimes and disclosure notes in English and never imports Flask, so
the words a resident reads are marked here for the catalogue (by their English, which is the msgid)
and translated where the page is built. A test checks each marked word is still the analysis's own
(`analysis.report`), so a renamed indicator cannot fall silently back to English.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flask_babel import gettext, ngettext

from analysis.charts import Words
from analysis.report import Figure, GapRow, IndicatorRow
from portal.core.filters import local_interval, local_ratio
from portal.core.languages import N_, translate

# The anti-social behaviour strands a resident's page ranks ("seen most as a problem"):
# `analysis.report.REPORT_CATALOGUE`'s labels.
INDICATOR_LABELS = {
    "asb_noisy_neighbours": N_("Noisy neighbours or loud parties a problem"),
    "teenagers": N_("Teenagers hanging around a problem"),
    "asb_litter": N_("Rubbish or litter lying around a problem"),
    "asb_vandalism": N_("Vandalism, graffiti and deliberate damage a problem"),
    "ni42": N_("Drug use or dealing a problem"),
    "ni41": N_("Drunk or rowdy behaviour a problem"),
    "asb_abandoned_cars": N_("Abandoned or burnt out cars a problem"),
    "ni23": N_("People not treating each other with respect a problem"),
}
# The anti-social behaviour index: not a concern, but the first row of the page's chart.
SUMMARY_LABELS = {"ni17": N_("High perceived anti-social behaviour (score 11+ of 21)")}
# `analysis.report.CRIME_LABELS`: the rows of worry against victimisation.
CRIME_LABELS = {"burglary": N_("Burglary"), "car_crime": N_("Car crime"),
                "violent_crime": N_("Violent crime"), "any": N_("Any of these crimes")}
# Why a figure is not shown or is marked (`analysis.estimates`, `analysis.formatting`, `analysis.gap`);
# "fewer than N responses" is worded by `_fewer_than`.
NOTES = (
    N_("no responses in the base"),
    N_("low base: treat with caution"),
    N_("withheld so that a suppressed figure cannot be worked out from the total"),
    N_("no victims in the base: ratio undefined"),
)
# The titles and reference lines of the page's charts (`portal.reports.render.report_charts`).
CHART_TITLES = (
    N_("NI 21 in %(name)s, %(wave)s"),
    N_("NI 21 in %(name)s, %(wave)s, against the plan's target"),
    N_("NI 21 in %(name)s by wave"),
    N_("Worry about crime against victimisation in %(name)s, %(wave)s"),
    N_("Anti-social behaviour seen as a problem in %(name)s, %(wave)s"),
    N_("Target %(percent)s (%(wave)s)"),
    N_("Baseline %(percent)s (%(wave)s)"),
    N_("Target %(percent)s"),
    N_("Authority"),
)
FEWER_THAN = re.compile(r"fewer than (\d+) responses?")


def note(text: str | None) -> str | None:
    """A figure's note in the request's language (an unknown note as it is)."""
    if not text:
        return text
    fewer = FEWER_THAN.fullmatch(text)
    if fewer:
        count = int(fewer.group(1))
        return ngettext("fewer than %(num)s response", "fewer than %(num)s responses", count)
    return translate(text)


def figure(value: Figure) -> Figure:
    return replace(value, note=note(value.note))


def indicator_row(row: IndicatorRow) -> IndicatorRow:
    label = translate(row.label) if row.id in INDICATOR_LABELS or row.id in SUMMARY_LABELS \
        else row.label
    local = replace(figure(row.local), label=label) if row.local.label == row.label else figure(row.local)
    return replace(row, label=label, local=local,
                   authority=figure(row.authority) if row.authority else None)


def gap_row(row: GapRow) -> GapRow:
    label = translate(row.label) if row.crime in CRIME_LABELS else row.label
    return replace(row, label=label, note=note(row.note))


def chart_words() -> Words:
    """The fixed words of the page's charts (`analysis.charts.Words`) in the request's language;
    ``{name}`` placeholders are filled in by the chart."""
    return Words(
        interval_axis=gettext("Per cent (95% confidence interval)"),
        per_cent=gettext("Per cent"),
        per_cent_of_residents=gettext("Per cent of residents"),
        suppressed=gettext("suppressed"),
        suppressed_because=gettext("suppressed: {note}"),
        suppressed_default=gettext("suppressed: fewer than 30 responses"),
        too_few=gettext("suppressed (too few responses)"),
        with_interval=gettext("{estimate} (95% CI {interval})"),
        reference_lines=gettext("Reference lines: {lines}."),
        years=gettext("{years} years"),
        broken_axis=gettext("The time axis is broken between {before} and {after} "
                            "({years} years apart)."),
        worried=gettext("{percent} worried"),
        victims=gettext("{percent} victims"),
        worried_to_victims=gettext("worried to victims {ratio}"),
        worried_legend=gettext("Worried (very or fairly)"),
        victim_legend=gettext("Victim in the last 12 months"),
        low_base=gettext("low base"),
        format_interval=local_interval, format_ratio=local_ratio,
    )
