"""The one formatter: every surface prints a figure through these."""

import math
from datetime import date

import pytest

from analysis import formatting as fmt


@pytest.mark.parametrize(("share", "printed"), [
    (0.25473, "25.5%"), (0.0, "0.0%"), (1.0, "100.0%"), (None, "–"), (math.nan, "–"),
    (0.12345, "12.3%"), (0.99951, "100.0%"),
])
def test_percent(share, printed):
    assert fmt.percent(share) == printed


def test_percent_value_is_the_printed_number():
    assert fmt.percent_value(0.25473) == 25.5
    assert f"{fmt.percent_value(0.25473)}%" == fmt.percent(0.25473)
    assert fmt.percent_value(None) is None


def test_points_and_interval_and_ratio():
    assert fmt.points(0.032) == "+3.2 points"
    assert fmt.points(-0.032) == "−3.2 points"
    assert fmt.interval(0.221, 0.289) == "22.1% to 28.9%"
    assert fmt.interval(None, 0.3) == "–"
    assert fmt.ratio(6.04) == "6.0 to 1"
    assert fmt.ratio(None) == "–"


@pytest.mark.parametrize(("n", "printed"), [(0, "0 responses"), (1, "1 response"), (2, "2 responses"),
                                            (1204, "1,204 responses")])
def test_plural(n, printed):
    assert fmt.plural(n, "response") == printed


def test_days_and_dates():
    assert fmt.days(1.0) == "1.0 day"
    assert fmt.days(1.25) == "1.2 days"
    assert fmt.days(None) == "–"
    assert fmt.day(date(2011, 3, 3)) == "3 March 2011"
    assert fmt.period(date(2010, 4, 1), date(2011, 3, 31)) == "1 April 2010 to 31 March 2011"


# Filters with words in them, which resident pages give in the resident's language (portal.core.filters).
IN_WORDS = {"day": [date(2011, 3, 3), None], "days": [1.25, 1.0, None], "ratio": [1.46, None],
            "interval": [(0.221, 0.289), (None, 0.3)]}


def test_registered_once_as_template_filters(app):
    from portal.core import filters

    for name in set(fmt.FILTERS) - set(IN_WORDS):
        assert app.jinja_env.filters[name] is fmt.FILTERS[name]
    for name, samples in IN_WORDS.items():
        assert app.jinja_env.filters[name].__module__ == filters.__name__
        calls = [sample if isinstance(sample, tuple) else (sample,) for sample in samples]
        for args in calls:  # English: word for word what the analysis prints
            assert app.jinja_env.filters[name](*args) == fmt.FILTERS[name](*args)
        with app.test_request_context("/privacy?lang=cy"):  # Welsh: in Welsh words
            assert app.jinja_env.filters[name](*calls[0]) != fmt.FILTERS[name](*calls[0])


def test_a_missing_share_can_be_named():
    """Alternative text says "suppressed" where a table cell shows a dash."""
    assert fmt.percent(None, missing="suppressed") == "suppressed"
    assert fmt.percent(0.25473, missing="suppressed") == "25.5%"


@pytest.mark.parametrize("name", ["pact_pct", "analyst_pct", "pact_days", "pct"])
def test_the_old_percentage_filters_are_gone(app, name):
    assert name not in app.jinja_env.filters


@pytest.mark.parametrize(("count", "seconds", "printed"), [
    (1, 60, "1 in 1 minute"), (5, 900, "5 in 15 minutes"), (10, 3600, "10 in 1 hour"),
])
def test_rate_limits_read_with_the_right_plural(count, seconds, printed):
    from portal.core.limits import Limit

    assert Limit(count, seconds).describe() == printed


def test_why_a_figure_is_not_shown_is_said_one_way():
    from analysis.estimates import DisclosureRules
    from analysis.formatting import small_base

    assert small_base(0, 30) == "no responses in the base"
    assert small_base(12, 30) == "fewer than 30 responses"
    assert DisclosureRules().flag(0) == ("suppressed", "no responses in the base")
    assert DisclosureRules(suppress_below=50).flag(12) == ("suppressed", "fewer than 50 responses")
