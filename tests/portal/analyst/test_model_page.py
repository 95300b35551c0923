"""The analyst's model page: the covariates of an indicator's small-area model, saved with the
wave, its diagnostics and the plot of direct against model estimates; and what the saved choice
publishes (API and dashboard)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, ModelChoice

PAGE = "/analyst/waves/2010-11/model"


@pytest.fixture
def larger_demo(app, db_session):
    """The demo with enough responses that ten neighbourhoods publish a direct figure, so the
    model keeps areas to spare for a covariate (the small demo fits the intercept only)."""
    from demo import seed_demo
    from portal.core.clock import utcnow

    summary = seed_demo(db_session, app.config, utcnow(), seed=7, responses_per_wave=1200)
    db_session.commit()
    return summary


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _save(client, indicator: str, covariates: list[str]):
    html = client.get(f"{PAGE}?indicator={indicator}").get_data(as_text=True)
    return client.post(f"{PAGE}?indicator={indicator}",
                       data={"csrf_token": _token(html), "covariates": covariates})


def test_the_page_shows_the_fit_and_the_plot_to_analysts_only(client, signed_in, demo_data):
    analyst = signed_in("analyst")
    page = analyst.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Small-area model: Agree the police and council" in html
    for part in ('id="model-fit"', 'id="model-coefficients"', 'id="model-diagnostics"',
                 'id="model-areas"', "Shapiro-Wilk", "Coverage", "Random-effect variance",
                 "Shrinkage γ", "fewer than 10"):
        assert part in html, part
    in_sample = html.count("<td>eblup") + html.count("<td>synthetic")
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and '<title id="model-plot-title">' in svg
    assert svg.count("<polygon") + svg.count("<circle") - 2 == in_sample > 0  # 2: the legend's
    assert "Not drawn, having no published direct figure: Bath City Centre" in svg  # its <title>
    assert "No choice saved for this wave" in html and "keeps areas to spare" in html
    assert 'type="checkbox"' in html and 'value="rural"' in html and " style=" not in html
    # the covariates in words: the admin's label of a loaded one (the IoD file's heading)
    assert "Index of Multiple Deprivation (IMD) Score" in html and "Imd score" not in html
    assert "Recorded crimes per 1,000 residents" in html

    assert f'href="{PAGE}?indicator=ni21"' in analyst.get(
        "/analyst/?wave=2010-11&indicator=ni21").get_data(as_text=True)
    assert f'href="{PAGE}"' in analyst.get("/admin/waves/2010-11").get_data(as_text=True)
    response = analyst.get(f"{PAGE}?indicator=nope")
    assert response.status_code == 404 and "Choose from: ni21" in response.get_data(as_text=True)
    assert analyst.get("/analyst/waves/1999-00/model").status_code == 404
    assert client.get(PAGE).status_code == 302  # residents are sent to sign in
    assert signed_in("coordinator", "keynsham").get(PAGE).status_code == 403


def test_an_unknown_covariate_is_refused_and_nothing_stored(signed_in, demo_data, db_session):
    response = _save(signed_in("admin"), "ni21", ["rural", "moon_phase"])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "&#39;moon_phase&#39; is not a covariate the portal holds" in html
    assert "error-summary" in html
    assert db_session.scalars(select(ModelChoice)).all() == []
    assert db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "model_choice.saved")).all() == []


def test_a_saved_choice_changes_the_fit_and_is_published(signed_in, larger_demo, db_session,
                                                        client):
    analyst = signed_in("analyst")
    url = "/api/v1/waves/2010-11/indicators?neighbourhood=keynsham"
    rows = {r["indicator"]: r for r in client.get(url).get_json()["data"]["indicators"]}
    # with no choice saved, every covariate the portal holds (the demo loads an IMD score)
    assert rows["ni21"]["model_based"]["covariates"] == ["rural", "recorded_crime_per_1000",
                                                         "imd_score"]
    assert rows["ni41"]["model_based"] is None  # nobody has chosen a model for it yet

    assert _save(analyst, "ni41", ["rural"]).status_code == 302
    assert _save(analyst, "ni21", ["recorded_crime_per_1000"]).status_code == 302
    choices = {c.indicator: c.covariates for c in db_session.scalars(select(ModelChoice))}
    assert choices == {"ni41": ["rural"], "ni21": ["recorded_crime_per_1000"]}
    events = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "model_choice.saved").order_by(AuditEvent.id)).all()
    assert [(e.detail["indicator"], e.detail["before"]) for e in events] == [
        ("ni41", None), ("ni21", None)]

    rows = {r["indicator"]: r for r in client.get(url).get_json()["data"]["indicators"]}
    assert rows["ni21"]["model_based"]["covariates"] == ["recorded_crime_per_1000"]
    assert rows["ni41"]["model_based"]["covariates"] == ["rural"]
    assert rows["ni4"]["model_based"] is None
    html = analyst.get(f"{PAGE}?indicator=ni41").get_data(as_text=True)
    assert "Covariates saved by" in html and "Published" in html
    assert re.search(r'value="rural" checked|checked[^>]*value="rural"', html)
    board = analyst.get("/analyst/?wave=2010-11&indicator=ni41").get_data(as_text=True)
    assert "Model-based (95% CI)" in board and "with Rural (ONS rural-urban classification)." in board
