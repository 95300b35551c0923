"""A wave on a version that reworded NI 21 (not judged comparable): the analysis leaves NI 21 out
and every other indicator in, and the dashboard still shows the wave."""

from __future__ import annotations

from portal.reports.data import load_analysis
from tests.portal.reports.conftest import survey  # noqa: F401  (the report tests' survey data)


def test_a_changed_standard_question_withholds_only_its_indicators(db_session, survey, signed_in,  # noqa: F811
                                                                   monkeypatch):
    full = load_analysis(db_session, "2010-11")
    assert full.current.row("ni21", None) is not None and full.withheld == ()
    monkeypatch.setattr("portal.reports.data.not_comparable",
                        lambda session, row: frozenset({"police_council_dealing"}))
    analysis = load_analysis(db_session, "2010-11")
    assert analysis.withheld == ("ni21",)
    assert analysis.current.row("ni21", None) is None
    assert analysis.current.row("ni17", None) is not None
    client = signed_in("analyst")
    page = client.get("/analyst/?wave=2010-11")
    assert page.status_code == 200  # the first indicator not withheld, rather than NI 21
    asked = client.get("/analyst/?wave=2010-11&indicator=ni21")
    assert "is withheld for this wave" in asked.get_data(as_text=True)
