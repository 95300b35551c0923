"""The analysis's words on the public results page: each marked word is still the analysis's own,
and a Welsh page shows them (and the disclosure notes) in Welsh."""

from __future__ import annotations

import inspect

import analysis.gap
from analysis.estimates import DisclosureRules
from analysis.formatting import WITHHELD, small_base
from analysis.report import CRIME_LABELS, REPORT_CATALOGUE, SECTIONS
from portal.results import wording
from portal.results.pages import ASB_SECTION, ASB_SUMMARY


def test_the_marked_words_are_the_analysis_own():
    strands = {i for title, ids in SECTIONS if title.startswith(ASB_SECTION) for i in ids} - ASB_SUMMARY
    assert set(wording.INDICATOR_LABELS) == strands  # every concern a page can rank
    assert set(wording.SUMMARY_LABELS) == ASB_SUMMARY
    for indicator, label in {**wording.INDICATOR_LABELS, **wording.SUMMARY_LABELS}.items():
        assert REPORT_CATALOGUE[indicator].label == label, indicator
    assert wording.CRIME_LABELS == CRIME_LABELS
    assert small_base(0, 30) in wording.NOTES and WITHHELD in wording.NOTES
    assert DisclosureRules().flag(DisclosureRules().flag_below - 1)[1] in wording.NOTES
    assert all(n in inspect.getsource(analysis.gap) for n in wording.NOTES[3:])
    assert wording.FEWER_THAN.fullmatch(small_base(12, 30)) and wording.FEWER_THAN.fullmatch(small_base(3, 1))


def test_outside_a_request_and_in_english_the_words_are_as_written(app):
    with app.test_request_context("/results"):
        assert wording.note("fewer than 30 responses") == "fewer than 30 responses"
        assert wording.note(None) is None and wording.note("something new") == "something new"


def test_a_welsh_results_page_names_the_indicators_in_welsh(client, survey):
    html = client.get("/neighbourhoods/twerton/results?lang=cy").get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert "yn teimlo’n ddiogel y tu allan yn eu hardal ar ôl iddi dywyllu" in html
    assert "feel safe outside" not in html
    assert "Bwrgleriaeth" in html and "Troseddau treisgar" in html and ">Burglary<" not in html
    concerns = html.split('id="concerns"')[1].split("</ol>")[0]
    assert "yn broblem" in concerns and " a problem" not in concerns
    suppressed = client.get("/neighbourhoods/chew-valley/results").get_data(as_text=True)
    assert "llai na 30 ymateb: heb ei ddangos" in suppressed and "fewer than" not in suppressed


def _chart_strings(html: str) -> list[str]:
    """The alt texts, captions and drawn text of the page's chart images."""
    import base64
    import html as markup
    import re
    out = [markup.unescape(a)
           for a in re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]*)"', html)]
    out += [markup.unescape(c) for c in re.findall(r'<figcaption class="hint">([^<]*)</figcaption>', html)]
    for data in re.findall(r'data:image/svg\+xml;base64,([^"]+)"', html):
        out += [markup.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>",
                                                       base64.b64decode(data).decode())]
    return out


ENGLISH_CHART_WORDS = ("NI 21 in", "by wave", "Worry about crime", "Anti-social behaviour seen",
                       "Per cent", "worried", "victims", "Victim in the last", "Authority",
                       "suppressed", "Reference lines", "95% CI", "a problem", "Burglary",
                       "High perceived", "% to ")


def test_a_welsh_results_page_draws_its_charts_in_welsh(client, survey):
    english = _chart_strings(client.get("/neighbourhoods/twerton/results").get_data(as_text=True))
    welsh = _chart_strings(client.get("/neighbourhoods/twerton/results?lang=cy").get_data(as_text=True))
    assert len(welsh) > 10 and any("NI 21 in Twerton" in s for s in english)
    assert any(s.startswith("NI 21, Twerton") for s in welsh)
    assert any("Pryder am drosedd" in s for s in welsh) and any("yn poeni" in s for s in welsh)
    assert any("Canran" in s for s in welsh) and any("Bwrgleriaeth" in s for s in welsh)
    assert all(any(w in s for s in english) for w in ENGLISH_CHART_WORDS[:9])  # the English page's ...
    for word in ENGLISH_CHART_WORDS:
        assert not any(word in s for s in welsh), word  # ... and the Welsh page has none of them
    authority = _chart_strings(client.get("/results?lang=cy").get_data(as_text=True))
    assert authority and not any(w in s for w in ENGLISH_CHART_WORDS for s in authority)
