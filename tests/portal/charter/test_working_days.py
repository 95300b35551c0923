"""Working-day arithmetic against the England and Wales bank holidays, no database."""

from datetime import date

import pytest

from portal.core.working_days import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize("start, days, expected", [
    (date(2025, 3, 3), 5, date(2025, 3, 10)),     # Monday + 5 = next Monday
    (date(2025, 3, 7), 1, date(2025, 3, 10)),     # Friday + 1 skips the weekend
    (date(2025, 3, 8), 1, date(2025, 3, 10)),     # received on a Saturday
    (date(2025, 3, 3), 0, date(2025, 3, 3)),
    # Christmas 2023 on a Monday: 25 and 26 Dec are bank holidays.
    (date(2023, 12, 22), 1, date(2023, 12, 27)),
    (date(2023, 12, 20), 5, date(2023, 12, 29)),
    # Christmas 2022 on a Sunday: substitute days Tue 27 Dec (Christmas) and Mon 26 (Boxing Day).
    (date(2022, 12, 23), 1, date(2022, 12, 28)),
    (date(2022, 12, 21), 5, date(2022, 12, 30)),  # 22, 23, 28, 29, 30
    (date(2022, 12, 29), 2, date(2023, 1, 3)),    # 30 Dec; Mon 2 Jan is New Year's substitute day
    # Christmas 2021 on a Saturday: substitute days Mon 27 and Tue 28 Dec; 3 Jan 2022 substitute too.
    (date(2021, 12, 24), 1, date(2021, 12, 29)),
    (date(2021, 12, 24), 5, date(2022, 1, 5)),    # 29, 30, 31, 4, 5
    # Easter 2024: Good Friday 29 March, Easter Monday 1 April.
    (date(2024, 3, 28), 1, date(2024, 4, 2)),
    (date(2024, 3, 25), 5, date(2024, 4, 3)),     # 26, 27, 28, 2, 3
    (date(2024, 3, 22), 15, date(2024, 4, 16)),
])
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


@pytest.mark.parametrize("day, working", [
    (date(2024, 3, 29), False), (date(2024, 4, 1), False), (date(2024, 4, 2), True),
    (date(2022, 12, 26), False), (date(2022, 12, 27), False), (date(2022, 12, 28), True),
    (date(2021, 12, 27), False), (date(2021, 12, 28), False), (date(2021, 12, 31), True),
    (date(2024, 3, 30), False),
])
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_between_counts_after_start_up_to_end():
    assert working_days_between(date(2024, 3, 28), date(2024, 3, 28)) == 0
    assert working_days_between(date(2024, 3, 28), date(2024, 3, 25)) == 0
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 1)) == 0  # Good Friday to Easter Monday
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1


def test_negative_days_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2024, 1, 1), -1)
