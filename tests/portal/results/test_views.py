"""Public survey results: the report's figures in plain words, disclosure control as in the
reports, the authority beside each figure, the trend, links from the home and neighbourhood
pages; no personal data or free text."""

from __future__ import annotations

from datetime import UTC, datetime

from analysis.formatting import percent
from analysis.report import neighbourhood_report
from portal.areas.profile import save_profile
from portal.reports.data import load_analysis


def test_the_neighbourhood_page_prints_the_reports_figures(client, survey, db_session):
    page = client.get("/neighbourhoods/twerton/results")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    report = neighbourhood_report(load_analysis(db_session, "2010-11"), "twerton",
                                  generated_at=datetime.now(UTC))
    assert "Twerton: Voicebox 2010/11" in html
    assert percent(report.headline.local.estimate) in html
    assert percent(report.headline.authority.estimate) in html  # the authority beside it
    assert "feel safe outside in their area after dark" in html
    for point in report.trend:
        assert f'<th scope="row">{point.wave}</th>' in html
    assert html.count('<img src="data:image/svg+xml;base64,') >= 3
    assert "2009-10" in html and "Voicebox 2009/10" in html  # the other published wave
    assert "/api/v1/waves/2010-11/indicators?neighbourhood=twerton" in html


def test_a_neighbourhood_below_the_threshold_shows_no_figure(client, survey, db_session):
    html = client.get("/neighbourhoods/chew-valley/results").get_data(as_text=True)
    report = neighbourhood_report(load_analysis(db_session, "2010-11"), "chew-valley",
                                  generated_at=datetime.now(UTC))
    assert report.headline.local.suppressed
    assert "fewer than 30 responses: not shown" in html
    assert "Too few people answered these questions here" in html
    main = html.split('id="headlines"')[1].split("</table>")[0]
    local_cells = [row.split("<td>")[1] for row in main.split("<tr>")[2:]]
    assert all(cell.startswith("–") for cell in local_cells)


def test_the_authority_page_and_the_wave_choice(client, survey, db_session):
    html = client.get("/results").get_data(as_text=True)
    assert "All neighbourhoods: Voicebox 2010/11" in html  # no profile set yet
    save_profile(db_session, {"name": "Kennet Vale Community Safety Partnership",
                              "short_name": "Kennet Vale CSP", "area_name": "Kennet Vale",
                              "contact_email": "safer@kennetvale.example.gov.uk"})
    db_session.commit()
    html = client.get("/results").get_data(as_text=True)
    assert "Kennet Vale: Voicebox 2010/11" in html
    older = client.get("/results?wave=2009-10").get_data(as_text=True)
    assert "Voicebox 2009/10" in older
    assert client.get("/results?wave=2026-27").status_code == 404  # still in the field
    assert client.get("/results?wave=nope").status_code == 404
    assert client.get("/neighbourhoods/atlantis/results").status_code == 404


def test_no_personal_data_or_free_text(client, survey):
    from tests.portal.reports.conftest import HOSTILE

    html = client.get("/neighbourhoods/twerton/results").get_data(as_text=True)
    assert HOSTILE not in html and "Tom &amp; Jerry" not in html and "alert(" not in html


def test_without_published_waves_the_page_says_so(client, neighbourhoods):
    html = client.get("/results").get_data(as_text=True)
    assert "No survey results have been published yet" in html


def test_the_home_and_neighbourhood_pages_link_to_the_results(client, survey):
    assert 'href="/results"' in client.get("/").get_data(as_text=True)
    assert 'href="/neighbourhoods/twerton/results"' in client.get(
        "/neighbourhoods/twerton").get_data(as_text=True)


def test_a_neighbourhood_on_few_responses_shows_its_model_based_figure(app, client, demo_data,
                                                                       db_session):
    """Where the direct NI 21 rests on few responses (or is not shown), the public page gives the
    model-based estimate beside it; where it is sound, only the direct figure."""
    from portal.reports.small_areas import ni21_model

    with app.app_context():
        model = ni21_model(db_session, load_analysis(db_session, "2010-11"))
    assert model is not None
    needed = [a for a, f in model.figures.items() if f.needed]
    sound = [a for a, f in model.figures.items() if not f.needed]
    assert needed
    figure = model.figures[needed[0]]
    html = client.get(f"/neighbourhoods/{needed[0]}/results?wave=2010-11").get_data(as_text=True)
    assert f"Model-based estimate: <strong>{percent(figure.estimate)}</strong>" in html
    for slug in sound:
        html = client.get(f"/neighbourhoods/{slug}/results?wave=2010-11").get_data(as_text=True)
        assert "Model-based estimate" not in html
    assert "Model-based estimate" not in client.get("/results?wave=2010-11").get_data(as_text=True)
