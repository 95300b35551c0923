"""`flask --app portal comparators import/show/reset`: all rows or none, audited, exit 2 on a bad file."""

from sqlalchemy import select

from analysis.comparators import COMPARATORS_FILE
from portal.comparators.table import current_comparators
from portal.models import AuditEvent, EditedDefinition

HEADER = "measure,geography,year_ending,estimate,lower,upper,checked,citation\n"


def test_an_install_uses_the_shipped_table(runner, db_session):
    result = runner.invoke(args=["comparators", "show"])
    assert result.exit_code == 0, result.output
    assert result.output == COMPARATORS_FILE.read_text(encoding="utf-8")
    assert current_comparators(db_session)[0].measure == "csew_police_job"


def test_import_replaces_the_table_and_is_audited(runner, db_session, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + "ni21,Avon and Somerset,2009-03,26.1,24.0,28.2,no,my copy\n")
    result = runner.invoke(args=["comparators", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Set the comparator table from figures.csv: 1 figure." in result.output
    db_session.expire_all()
    [row] = current_comparators(db_session)
    assert (row.geography, row.estimate, row.checked) == ("Avon and Somerset", 0.261, False)
    assert db_session.scalars(select(AuditEvent.action)).all() == ["comparators_saved"]
    assert runner.invoke(args=["comparators", "reset"]).exit_code == 0
    db_session.expire_all()
    assert db_session.get(EditedDefinition, "comparators") is None
    assert current_comparators(db_session)[0].measure == "csew_police_job"


def test_a_bad_row_stores_nothing_and_exits_2_naming_the_line(runner, db_session, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + "ni21,Kent,2009-03,26,24,28,no,ok\nni21,Kent,2010-03,26,27,28,no,x\n")
    result = runner.invoke(args=["comparators", "import", str(path)])
    assert result.exit_code == 2
    assert "figures.csv: Line 3: the interval 27-28 does not contain the estimate 26" in result.output
    assert db_session.get(EditedDefinition, "comparators") is None
    assert db_session.scalars(select(AuditEvent)).all() == []


def test_a_file_that_is_not_text_exits_2(runner, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    result = runner.invoke(args=["comparators", "import", str(path)])
    assert result.exit_code == 2 and "figures.csv is not UTF-8 text" in result.output
