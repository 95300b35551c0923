"""Survey concerns ranked beside PACT priorities, without a database."""

from __future__ import annotations

import pytest

from analysis.catalogue import CATALOGUE
from analysis.concerns import PriorityTopic, addressing, load_concerns, rank_concerns
from analysis.errors import InputError
from analysis.report import REPORT_CATALOGUE, Comparison, Figure


def _fig(x):
    return Figure("f", x, None if x is None else x - 0.1, None if x is None else x + 0.1, 80)


def test_the_shipped_mapping_names_catalogue_indicators():
    concerns = load_concerns(known=set(REPORT_CATALOGUE))
    ids = [c.id for c in concerns]
    assert {"teenagers", "ni41", "ni42", "worry_burglary"} <= set(ids)
    assert all(i in REPORT_CATALOGUE for i in ids) and "ni21" in CATALOGUE


def test_a_bad_mapping_is_named(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("nonsense: {label: X}")
    with pytest.raises(InputError, match="unknown indicator 'nonsense'; choose from: "):
        load_concerns(path, known={"ni41"})
    path.write_text("ni41: {categories: [noise]}")
    with pytest.raises(InputError, match="ni41 needs a label"):
        load_concerns(path)


def test_a_priority_addresses_a_concern_by_category_or_topic():
    concerns = {c.id: c for c in load_concerns()}
    by_issue = PriorityTopic("Patrols on Friday nights", ("street_drinking",))
    by_title = PriorityTopic("Shed and garage security campaign", ())
    assert addressing(concerns["ni41"], [by_issue, by_title]) == ("Patrols on Friday nights",)
    assert addressing(concerns["worry_burglary"], [by_issue, by_title]) == (
        "Shed and garage security campaign",)


def test_ranked_flagged_and_suggested():
    concerns = load_concerns()
    figures = {"teenagers": _fig(0.6), "asb_litter": _fig(0.5), "ni42": _fig(0.45),
               "asb_noisy_neighbours": _fig(0.2), "ni41": _fig(None), "worry_burglary": _fig(0.3)}
    authority = {k: _fig(0.3) for k in figures} | {"asb_noisy_neighbours": _fig(0.1)}
    comparisons = {"asb_noisy_neighbours": Comparison(0.1, 0.01, True, ""),
                   "teenagers": Comparison(0.3, 0.2, False, "")}
    priorities = [PriorityTopic("Clear fly-tipping", ("litter_and_fly_tipping",))]
    rows = rank_concerns(concerns, figures, authority, comparisons, priorities, "Twerton")
    assert [r.concern.id for r in rows] == ["teenagers", "asb_litter", "ni42", "worry_burglary",
                                            "asb_noisy_neighbours", "ni41"]  # suppressed last
    flagged = {r.concern.id: r for r in rows if r.flagged}
    assert set(flagged) == {"teenagers", "ni42", "asb_noisy_neighbours"}  # top 3 or above
    assert rows[1].addressed_by == ("Clear fly-tipping",)
    assert flagged["asb_noisy_neighbours"].significantly_above
    assert flagged["asb_noisy_neighbours"].suggestion == (
        "Put “Noisy neighbours or loud parties” on the next PACT meeting's agenda: 20.0% of "
        "residents in Twerton named it, significantly above the authority's 10.0%, and no current "
        "priority addresses it.")
