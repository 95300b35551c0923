"""The demo's recorded crime: a year of street-level files per past wave, imported once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from analysis.recorded_crime import AUTHORITY, ni16_by_financial_year
from demo import seed_demo
from demo.crime import wave_months
from portal.core.clock import utcnow
from portal.crime.rates import monthly_counts, rates_table, residents
from portal.models import CrimeCount, CrimeImport, Neighbourhood


def test_every_neighbourhood_has_rates_for_each_wave_year(demo_data, db_session):
    months = set(db_session.scalars(select(CrimeImport.month)))
    assert months == {m for year in (2008, 2009, 2010) for m in wave_months(date(year, 4, 1))}
    imports = db_session.scalars(select(CrimeImport)).all()
    assert sum(i.outside_lookup for i in imports) > 0  # neighbouring authorities' LSOAs
    assert sum(i.no_location for i in imports) > 0
    table = rates_table(db_session, "2010-04", "2011-03")
    burglary = table[table.crime_type == "Burglary"].set_index("neighbourhood")
    slugs = set(db_session.scalars(select(Neighbourhood.slug)))
    assert set(burglary.index) == slugs | {AUTHORITY}
    assert (burglary["count"] > 0).all()
    # over the three years, deprived Twerton has far more burglary per household than rural
    # Chew Valley (one year alone can be close: the counts are Poisson draws)
    three = rates_table(db_session, "2008-04", "2011-03")
    three = three[three.crime_type == "Burglary"].set_index("neighbourhood")
    assert three.loc["twerton", "rate_per_1000_households"] > \
        2 * three.loc["chew-valley", "rate_per_1000_households"]


def test_ni16_falls_each_year_as_the_plan_wants(demo_data, db_session):
    table = ni16_by_financial_year(monthly_counts(db_session), residents(db_session))
    rates = list(table["rate_per_1000"])
    assert list(table["label"]) == ["2008/09", "2009/10", "2010/11"]
    assert rates[0] > rates[1] > rates[2] and 10 < rates[2] < 16


def test_seeding_again_adds_no_crime(app, demo_data, db_session):
    before = db_session.scalar(select(func.sum(CrimeCount.count)))
    again = seed_demo(db_session, app.config, utcnow(), seed=7, responses_per_wave=400)
    db_session.commit()
    assert not again.added.get("police.uk street-level row")
    assert db_session.scalar(select(func.sum(CrimeCount.count))) == before
