"""The issue's end-to-end check: an empty database becomes a partnership that is not the demo's,
set up from files in ONS layouts by the commands an officer runs, a wave filled from paper
forms; its name, and no trace of the demo's partnership, is on every surface."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import surveys
from demo.responses import generate_responses
from portal.core.clock import utcnow
from portal.models import StaffUser
from portal.reports.building import prepare_reports
from portal.reports.render import render_html, render_pdf
from tests.conftest import password_hash, sign_in
from tests.portal.areas.test_files import NSPL_HEADER, _mye, _nspl_row

NAME = "Kennet Vale Community Safety Partnership"
DEMO = re.compile(r"Bath|B&(amp;)?NES|bathnes", re.IGNORECASE)
LOOKUP = ("LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM,neighbourhood\r\n"
          "E01014370,Kennet 001A,E05008357,Abbey,E06000054,Kennet,Marlow Down\r\n"
          "E01014371,Kennet 001B,E05008357,Abbey,E06000054,Kennet,Marlow Down\r\n"
          "E01014372,Kennet 002A,E05008358,Vale,E06000054,Kennet,St Ann's & Vale\r\n")


def _run(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _paper_forms(opens: date, n: int = 400) -> str:
    """Keyed-in forms in the wave's template: synthetic answers, our neighbourhoods, dated in
    the fieldwork."""
    header = surveys.csv_template(surveys.load_questionnaire("crime-and-community-safety", 1))
    columns = header.lstrip("\ufeff").strip().split(",")
    frame = generate_responses(n, seed=21, wave="2025-26")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for i, row in enumerate(frame.to_dict("records")):
        row.update(response_id=f"KV{i:04d}", wave="", mode="",
                   neighbourhood="marlow-down" if i % 3 else "st-anns-and-vale",
                   submitted_at=(opens + timedelta(days=i % 20)).isoformat())
        writer.writerow(["" if row.get(c) is None or row.get(c) != row.get(c) else row[c]
                         for c in columns])
    return out.getvalue()


def test_a_new_partnership_sets_itself_up_and_sees_its_own_name(app, runner, db_session, tmp_path):
    files = {"lookup": LOOKUP, "mye": _mye(),
             "nspl": NSPL_HEADER + _nspl_row("SN8 1AA", "E01014370") + _nspl_row("SN8 1AB", "E01014372")}
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8", newline="")
    _run(runner, "partnership", "set", "--name", NAME, "--short-name", "Kennet Vale CSP",
         "--area", "Kennet Vale", "--contact-email", "safer@kennetvale.example.gov.uk")
    _run(runner, "areas", "import-neighbourhoods", str(tmp_path / "lookup.csv"))
    _run(runner, "areas", "import-postcodes", str(tmp_path / "nspl.csv"))
    _run(runner, "areas", "import-population", str(tmp_path / "mye.csv"))
    _run(runner, "agencies", "add", "--name", "Kennet Vale Police")
    opens = date.today() - timedelta(days=90)
    _run(runner, "waves", "create", "--slug", "2025-26", "--name", "Voicebox 2025/26",
         "--questionnaire", "crime-and-community-safety:1", "--opens", opens.isoformat(),
         "--closes", (opens + timedelta(days=30)).isoformat())
    (tmp_path / "forms.csv").write_text(_paper_forms(opens), encoding="utf-8", newline="")
    assert "Imported 400 paper responses" in _run(runner, "waves", "import", "2025-26",
                                                   str(tmp_path / "forms.csv"), "--mode", "paper")
    for role in ("analyst", "admin"):
        db_session.add(StaffUser(email=f"{role}@kennetvale.example.gov.uk", role=role, name=role,
                                 password_hash=password_hash(), active=True))
    db_session.commit()

    public = app.test_client()
    analyst = sign_in(app.test_client(), db_session.query(StaffUser).filter_by(role="analyst").one())
    admin = sign_in(app.test_client(), db_session.query(StaffUser).filter_by(role="admin").one())
    pages = {
        "home": public.get("/"),
        "neighbourhood": public.get("/neighbourhoods/st-anns-and-vale"),
        "results": public.get("/results"),
        "dashboard": analyst.get("/analyst/"),
        "api": public.get("/api/v1/waves/2025-26/indicators"),
        "checklist": admin.get("/admin/setup/"),
    }
    for surface, response in pages.items():
        assert response.status_code == 200, (surface, response.status_code)
        text = response.get_data(as_text=True)
        assert not DEMO.search(text), (surface, DEMO.search(text).group(0))
    for surface in ("home", "neighbourhood", "results", "dashboard", "checklist"):
        assert NAME in pages[surface].text, surface
    assert "Kennet Vale" in pages["results"].text  # the area's own name for the whole area
    assert pages["api"].json["meta"]["publisher"] == NAME
    assert "St Ann&#39;s &amp; Vale" in pages["neighbourhood"].text
    assert pages["checklist"].text.count("Done") >= 5
    with app.app_context():
        reports = prepare_reports(db_session, "2025-26", ["marlow-down"], now=utcnow()).reports
        html = render_html(reports[0])
        assert NAME in html and "Marlow Down" in html and "synthetic" not in html
        assert not DEMO.search(html), DEMO.search(html).group(0)
        # No other partnership's plan: NI 21 is reported without a target until one is set.
        assert "32.5%" not in html and "Plan target" not in html
        assert "The partnership has set no target for NI 21" in html
        assert render_pdf(reports[0]).startswith(b"%PDF")
    # On every page: no demo banner either.
    assert "synthetic" not in pages["home"].text
