"""The small-area model's covariates: rural, recorded crime per 1,000 and every loaded area
covariate (the demo's synthetic IMD score), one row per neighbourhood; a loaded covariate some
neighbourhood has no value for is left out."""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.areas.queries import covariate_labels
from portal.models import Covariate, CovariateValue, Neighbourhood
from portal.reports.data import load_analysis
from portal.reports.small_areas import neighbourhood_covariates, ni21_model


def test_the_model_gets_the_loaded_covariates(app, demo_data, db_session):
    analysis = load_analysis(db_session, "2010-11")
    frame, populations = neighbourhood_covariates(db_session, analysis)
    assert {"area", "rural", "imd_score"} <= set(frame.columns)
    assert set(frame["area"]) == set(populations)
    scores = frame.set_index("area")["imd_score"]
    assert scores["twerton"] > scores["combe-down"]
    assert covariate_labels(db_session)["imd_score"] == "Index of Multiple Deprivation (IMD) Score"
    with app.app_context():
        assert ni21_model(db_session, analysis) is not None

    covariate = db_session.scalar(select(Covariate).where(Covariate.name == "imd_score"))
    twerton = db_session.scalar(select(Neighbourhood.id).where(Neighbourhood.slug == "twerton"))
    db_session.execute(delete(CovariateValue).where(CovariateValue.covariate_id == covariate.id,
                                                    CovariateValue.neighbourhood_id == twerton))
    frame, _ = neighbourhood_covariates(db_session, analysis)
    assert "imd_score" not in frame.columns and "rural" in frame.columns
