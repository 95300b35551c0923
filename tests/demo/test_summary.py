"""What `flask --app portal demo` says it added."""

from __future__ import annotations

from demo.summary import DemoSummary


def test_the_summary_counts_with_the_right_plural():
    summary = DemoSummary()
    summary.count("agency", 2)
    summary.count("PACT issue")
    summary.count("survey response", 1204)
    assert summary.describe() == ("Loaded synthetic demo data: 2 agencies, 1 PACT issue, "
                                  "1,204 survey responses.")
