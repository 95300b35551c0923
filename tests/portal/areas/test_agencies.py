"""Agencies added, renamed, retired and restored by an admin, on the page and from a shell; a
retired agency is offered for no new work but keeps its name on past work."""

from __future__ import annotations

from sqlalchemy import select

from portal.areas.queries import all_agencies
from portal.models import Agency, AuditEvent


def test_an_admin_adds_renames_retires_and_restores_an_agency(signed_in, db_session):
    admin = signed_in("admin")
    page = admin.post("/admin/setup/agencies", data={"name": "  Kennet  Vale <Housing> "},
                      follow_redirects=True)
    assert page.status_code == 200 and "Added Kennet Vale &lt;Housing&gt;." in page.text
    agency = db_session.scalar(select(Agency).where(Agency.name == "Kennet Vale <Housing>"))
    assert agency.slug == "kennet-vale-housing"
    again = admin.post("/admin/setup/agencies", data={"name": "kennet vale <housing>"})
    assert again.status_code == 400
    assert "There is already an agency called Kennet Vale &lt;Housing&gt;" in again.text
    assert 'value="kennet vale &lt;housing&gt;"' in again.text  # what was typed is shown back
    page = admin.post(f"/admin/setup/agencies/{agency.slug}/rename",
                      data={"name": "Kennet Vale Homes"}, follow_redirects=True)
    assert "kennet-vale-housing is now called Kennet Vale Homes." in page.text
    page = admin.post(f"/admin/setup/agencies/{agency.slug}/retire", follow_redirects=True)
    assert "Retired Kennet Vale Homes" in page.text and "Restore" in page.text
    assert agency.slug not in {a.slug for a in all_agencies(db_session)}
    page = admin.post(f"/admin/setup/agencies/{agency.slug}/retire", follow_redirects=True)
    assert "Kennet Vale Homes is already retired" in page.text
    admin.post(f"/admin/setup/agencies/{agency.slug}/restore")
    db_session.expire_all()
    assert agency.slug in {a.slug for a in all_agencies(db_session)}
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "agency"))
    assert list(actions) == ["agency_added", "agency_renamed", "agency_retired", "agency_restored"]
    assert admin.get("/admin/setup/agencies/nobody/rename").status_code == 404


def test_only_admins_set_up_agencies(signed_in):
    assert signed_in("analyst").get("/admin/setup/agencies").status_code == 403
    assert signed_in("coordinator", "twerton").post("/admin/setup/agencies",
                                                    data={"name": "X"}).status_code == 403


def test_agencies_from_a_shell(runner, db_session):
    result = runner.invoke(args=["agencies", "add", "--name", "Wiltshire Police"])
    assert result.exit_code == 0 and "Added Wiltshire Police (wiltshire-police)." in result.output
    assert runner.invoke(args=["agencies", "retire", "wiltshire-police"]).exit_code == 0
    listed = runner.invoke(args=["agencies", "list"]).output
    assert "wiltshire-police\tWiltshire Police\tretired " in listed
    result = runner.invoke(args=["agencies", "add", "--name", "wiltshire police"])
    assert result.exit_code == 1 and "There is already an agency called Wiltshire Police" in result.output
    result = runner.invoke(args=["agencies", "rename", "nobody", "--name", "X"])
    assert result.exit_code == 1 and "There is no agency 'nobody'" in result.output
