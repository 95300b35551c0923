from sqlalchemy import select

from portal.auth.passwords import verify_password
from portal.models import StaffUser

GOOD = "a long enough password\na long enough password\n"


def test_users_create_prompts_for_the_password(runner, neighbourhoods, db_session):
    result = runner.invoke(args=["users", "create", "--email", "Coord@Example.org", "--role",
                                 "coordinator", "--neighbourhood", "twerton",
                                 "--neighbourhood", "keynsham"], input=GOOD)
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(StaffUser))
    assert user.email == "coord@example.org" and user.role == "coordinator"
    assert sorted(n.slug for n in user.neighbourhoods) == ["keynsham", "twerton"]
    assert verify_password(user.password_hash, "a long enough password")
    assert "a long enough password" not in user.password_hash


def test_users_create_names_valid_neighbourhoods(runner, neighbourhoods, db_session):
    result = runner.invoke(args=["users", "create", "--email", "c@example.org", "--role",
                                 "coordinator", "--neighbourhood", "atlantis"], input=GOOD)
    assert result.exit_code == 2
    assert "Unknown neighbourhood atlantis" in result.output
    assert "chew-valley, keynsham, twerton" in result.output
    assert db_session.scalar(select(StaffUser)) is None


def test_users_create_refuses_short_passwords_and_duplicates(runner, make_user, db_session):
    result = runner.invoke(args=["users", "create", "--email", "a@example.org", "--role", "analyst"],
                           input="short\nshort\n")
    assert result.exit_code == 2 and "at least 12 characters" in result.output
    make_user("analyst", email="taken@example.org")
    result = runner.invoke(args=["users", "create", "--email", "taken@example.org", "--role",
                                 "analyst"], input=GOOD)
    assert result.exit_code == 2 and "already an account" in result.output


def test_coordinators_need_a_neighbourhood(runner, neighbourhoods):
    result = runner.invoke(args=["users", "create", "--email", "c@example.org", "--role",
                                 "coordinator"], input=GOOD)
    assert result.exit_code == 2 and "needs at least one --neighbourhood" in result.output


def test_demo_reset_empties_the_database_first_and_never_in_production(empty_database_url, monkeypatch):
    import demo
    from demo.summary import DemoSummary
    from portal import create_app
    from portal.core.extensions import db

    app = create_app({"TESTING": True, "DATABASE_URL": empty_database_url, "SECRET_KEY": "x",
                      "LOG_LEVEL": "WARNING"})
    users_when_seeded: list[int] = []

    def seed(session, config, now, **options):  # the demo's loader, counting what it finds
        users_when_seeded.append(len(session.scalars(select(StaffUser)).all()))
        return DemoSummary()

    monkeypatch.setattr(demo, "seed_demo", seed)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context(), db.transaction() as session:
        session.add(StaffUser(email="kept@example.org", name="", role="admin", password_hash="x"))
    assert runner.invoke(args=["demo"]).exit_code == 0  # without --reset: adds to what is there
    reset = runner.invoke(args=["demo", "--reset"])
    assert reset.exit_code == 0 and "Database emptied" in reset.output
    assert users_when_seeded == [0, 1, 0]
    with app.app_context(), db.transaction() as session:
        session.add(StaffUser(email="kept@example.org", name="", role="admin", password_hash="x"))
    app.config["PORTAL_ENV"] = "production"
    refused = runner.invoke(args=["demo", "--reset"])
    assert refused.exit_code == 2 and "refused with PORTAL_ENV=production" in refused.output
    with app.app_context():
        assert db.session.scalar(select(StaffUser.email)) == "kept@example.org"
        db.engine.dispose()
