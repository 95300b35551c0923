"""Fair comparators: the comparability rule, the difference's interval, and the CSV's checks."""

import dataclasses
from pathlib import Path

import pytest

from analysis.catalogue import CATALOGUE, with_settings
from analysis.comparators import (
    NI21_WORDING,
    STANDARD_QUESTIONS,
    Comparability,
    Comparator,
    ComparatorError,
    comparability,
    compare,
    local_spec,
    read_comparators,
)

HEADER = "measure,geography,year_ending,estimate,lower,upper,checked,citation\n"


def ours(**changes):
    """Our NI 21 asked as the Place Survey asked it (18+, self-completion)."""
    return dataclasses.replace(local_spec(CATALOGUE["ni21"], NI21_WORDING, min_age=18), **changes)


def figure(measure="ni21", estimate=0.49, lower=0.47, upper=0.51, year_ending="2025-03"):
    return Comparator(measure, "England and Wales", year_ending, estimate, lower, upper, "x", True)


def test_same_question_same_base_same_period_same_mode_is_comparable():
    verdict = comparability(ours(), STANDARD_QUESTIONS["ni21"], "2025-03", "2025-03")
    assert verdict.status is Comparability.COMPARABLE
    assert verdict.reasons == ()


def test_a_different_wording_is_refused_with_both_wordings():
    result = compare(0.55, 0.02, ours(), "2025-03", figure("csew_confidence"))
    assert result.verdict.status is Comparability.REFUSED
    assert result.difference is None and result.lower is None
    assert any(r.startswith("wording differs") and "confidence in the police" in r
               for r in result.verdict.reasons)


def test_wording_compares_words_not_typography():
    verdict = comparability(ours(wording=NI21_WORDING.upper().replace("'", "\u2019")),
                            STANDARD_QUESTIONS["ni21"], "2025-03", "2025-03")
    assert verdict.status is Comparability.COMPARABLE


@pytest.mark.parametrize(("change", "expected"), [
    ({"min_age": 16}, "base differs: ours is 16+, theirs 18+"),
    ({"dont_know_in_base": True}, "\"don't know\" is in our base and out of theirs"),
    ({"scale": ("strongly_agree", "tend_to_agree", "tend_to_disagree", "strongly_disagree")},
     "answer scale"),
    ({"positive": ("strongly_agree",)}, "answers counted differ"),
])
def test_a_different_base_or_scale_is_refused(change, expected):
    verdict = comparability(ours(**change), STANDARD_QUESTIONS["ni21"], "2025-03", "2025-03")
    assert verdict.status is Comparability.REFUSED
    assert any(expected in r for r in verdict.reasons), verdict.reasons


def test_the_dont_know_setting_of_the_catalogue_reaches_the_rule():
    moved = with_settings(ni21={"dont_know_in_base": True})["ni21"]
    spec = local_spec(moved, NI21_WORDING, min_age=18)
    assert spec.dont_know_in_base is True
    assert comparability(spec, STANDARD_QUESTIONS["ni21"], "2025-03", "2025-03").status \
        is Comparability.REFUSED


def test_a_different_period_is_refused():
    result = compare(0.55, 0.02, ours(), "2024-03", figure())
    assert result.verdict.status is Comparability.REFUSED
    assert result.verdict.reasons == ("period differs: ours is the year ending 2024-03, theirs "
                                      "the year ending 2025-03",)


def test_only_the_mode_differing_is_indicative_and_still_computed():
    result = compare(0.55, 0.02, ours(mode="face-to-face"), "2025-03", figure())
    assert result.verdict.status is Comparability.INDICATIVE
    assert "mode differs" in result.verdict.reasons[0]
    assert result.difference == pytest.approx(0.06)


def test_difference_interval_hand_worked():
    # se_comp = (0.51 - 0.47) / (2 * 1.96) = 0.010204; se_diff = sqrt(0.02^2 + 0.010204^2)
    # = sqrt(0.0004 + 0.00010413) = 0.022453; half width 1.96 * 0.022453 = 0.044007.
    result = compare(0.55, 0.02, ours(), "2025-03", figure())
    assert result.verdict.status is Comparability.COMPARABLE
    assert result.difference == pytest.approx(0.06)
    assert result.lower == pytest.approx(0.06 - 0.044007, abs=1e-6)
    assert result.upper == pytest.approx(0.06 + 0.044007, abs=1e-6)


def test_no_published_interval_gives_a_difference_without_an_interval():
    result = compare(0.55, 0.02, ours(), "2025-03", figure(lower=None, upper=None))
    assert result.difference == pytest.approx(0.06)
    assert result.lower is None and result.upper is None


def test_several_questions_cannot_be_a_standard_question():
    with pytest.raises(ComparatorError, match="ni17 combines several questions"):
        local_spec(CATALOGUE["ni17"], "x")


def test_the_shipped_table_reads_and_cites_every_row():
    rows = read_comparators()
    assert rows, "the shipped table is empty"
    assert all(r.citation.count("https://") >= 1 and r.checked for r in rows)
    job = next(r for r in rows if r.measure == "csew_police_job" and r.year_ending == "2025-03")
    assert job.estimate == pytest.approx(0.49)


def test_percentages_become_proportions_and_comments_are_skipped():
    rows = read_comparators("# a note\n" + HEADER + "ni21,Kent,2010-03,50.5,48,53,no,cite\n")
    assert rows == [Comparator("ni21", "Kent", "2010-03", 0.505, 0.48, 0.53, "cite", False)]
    assert rows[0].se == pytest.approx(0.05 / (2 * 1.959964), rel=1e-6)


@pytest.mark.parametrize(("line", "message"), [
    ("ni99,Kent,2010-03,50,48,53,no,cite", "Line 3: unknown measure 'ni99'"),
    ("ni21,Kent,2010-03,fifty,48,53,no,cite", "Line 3: estimate 'fifty' is not a number"),
    ("ni21,Kent,2010-03,150,48,53,no,cite", "Line 3: estimate '150' is not a percentage"),
    ("ni21,Kent,2010-03,50,51,53,no,cite", "Line 3: the interval 51-53 does not contain"),
    ("ni21,Kent,2010-03,50,48,,no,cite", "Line 3: give both ends of the interval or neither"),
    ("ni21,Kent,2010/11,50,48,53,no,cite", "Line 3: year_ending '2010/11' is not YYYY-MM"),
    ("ni21,Kent,2010-03,50,48,53,maybe,cite", "Line 3: checked must be yes or no"),
    ("ni21,Kent,2010-03,50,48,53,no,", "Line 3: citation is empty"),
    ("ni21,Kent,2010-03,50,48,53,no", "Line 3: expected 8 fields, found 7"),
    ("ni21,Kent,2010-03,50,48,53,no,cite\nni21,Kent,2010-03,51,48,53,no,cite",
     "Line 4: a second row for ni21 / Kent / 2010-03"),
])
def test_a_bad_row_is_named_by_its_line(line, message):
    with pytest.raises(ComparatorError, match=message):
        read_comparators("# note\n" + HEADER + line + "\n")


def test_a_wrong_header_is_refused():
    with pytest.raises(ComparatorError, match="Line 1: the header must be"):
        read_comparators("measure,estimate\nni21,50\n")


def test_the_ni21_standard_wording_is_our_first_questionnaire_s_and_not_the_second_s():
    """Guards the library against drift: v1 asks NI 21's words, v2 ("other local public
    services") does not, so a v2 wave is refused against NI 21."""
    import yaml

    def wording(version):
        root = Path(__file__).resolve().parents[2]
        text = (root / "surveys" / "definitions" /
                f"crime-and-community-safety.{version}.yaml").read_text(encoding="utf-8")
        found = []

        def walk(node):
            if isinstance(node, dict):
                if node.get("id") == "police_council_dealing":
                    found.append(node["text"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(yaml.safe_load(text))
        return found[0]

    spec = STANDARD_QUESTIONS["ni21"]
    v1 = local_spec(CATALOGUE["ni21"], wording("v1"), min_age=18)
    v2 = local_spec(CATALOGUE["ni21"], wording("v2"), min_age=18)
    assert comparability(v1, spec, "2025-03", "2025-03").status is Comparability.COMPARABLE
    assert comparability(v2, spec, "2025-03", "2025-03").reasons[0].startswith("wording differs")


def _v(version):
    """The wording version ``version`` of the questionnaire asks for police_council_dealing."""
    import yaml
    root = Path(__file__).resolve().parents[2]
    text = (root / "surveys" / "definitions" /
            f"crime-and-community-safety.{version}.yaml").read_text(encoding="utf-8")
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("id") == "police_council_dealing":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(yaml.safe_load(text))
    return found[0]


def test_a_wave_inside_the_year_ending_counts_as_it_and_one_outside_does_not():
    from datetime import date

    from analysis.comparators import wave_period
    assert wave_period((date(2024, 4, 1), date(2025, 3, 31)), "2025-03") == "2025-03"
    assert wave_period((date(2024, 3, 31), date(2024, 6, 1)), "2025-03") == "2024-06"
    assert wave_period((date(2025, 1, 5), date(2025, 4, 1)), "2025-03") == "2025-04"
    assert wave_period((date(2025, 1, 1), date(2025, 12, 31)), "2025-12") == "2025-12"
    assert wave_period((None, None), "2025-03").startswith("unknown")


def test_comparisons_for_judges_the_matched_rows_and_leaves_out_the_unmatched():
    from datetime import date

    from analysis.comparators import comparisons_for
    rows = [figure(), figure("csew_police_job")]
    fieldwork = (date(2024, 10, 1), date(2024, 11, 30))
    v1 = comparisons_for(rows, {"ni21": (0.55, 0.02)}, {"police_council_dealing": _v("v1")},
                         fieldwork, CATALOGUE, min_age=18)
    assert [r.indicator for r in v1] == ["ni21"]
    got = v1[0].comparison
    assert got.verdict.status is Comparability.COMPARABLE
    assert got.difference == pytest.approx(0.06)
    half = 1.959963984540054 * (0.02 ** 2 + (0.04 / (2 * 1.959963984540054)) ** 2) ** 0.5
    assert got.lower == pytest.approx(0.06 - half)
    v2 = comparisons_for(rows, {"ni21": (0.55, 0.02)}, {"police_council_dealing": _v("v2")},
                         fieldwork, CATALOGUE, min_age=18)[0].comparison
    assert v2.verdict.status is Comparability.REFUSED and v2.difference is None
    assert "other local public services" in v2.verdict.reasons[0]
    late = comparisons_for(rows, {"ni21": (0.55, 0.02)}, {"police_council_dealing": _v("v1")},
                           (date(2025, 3, 1), date(2025, 5, 2)), CATALOGUE, min_age=18)
    assert late[0].comparison.verdict.reasons == (
        "period differs: ours is the year ending 2025-05, theirs the year ending 2025-03",)
    assert comparisons_for(rows, {}, {"police_council_dealing": _v("v1")}, fieldwork,
                           CATALOGUE) == []
