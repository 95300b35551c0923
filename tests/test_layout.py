"""The shape of the house, kept by tests (CONTRIBUTING.md explains each rule). Each failure names
the file and the fix, so a newcomer learns the rule from the message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.parent.name == "views"


def test_the_portal_root_holds_only_the_factory():
    loose = sorted(p.name for p in PORTAL.glob("*.py") if p.name != "__init__.py")
    assert not loose, (f"portal/ holds {loose}: infrastructure without a domain noun goes in portal/core/, "
                       "a feature's code in its package (portal/<feature>/)")


def test_routes_live_in_views_modules():
    """A blueprint's routes are in `views.py` or a `views/` package, so they can be found by name."""
    route = re.compile(r"@\w+\.(route|get|post|put|delete|patch)\(")
    misplaced = [_relative(p) for p in _python_files(PORTAL)
                 if not _is_view_module(p) and route.search(p.read_text())]
    assert not misplaced, f"routes outside views modules: {misplaced}; move them to the package's views.py"


def test_views_build_no_queries():
    """Views call named reads; a query belongs in the package's queries.py."""
    building = [_relative(p) for p in _python_files(PORTAL)
                if _is_view_module(p) and "select(" in p.read_text()]
    assert not building, f"{building} build a query: put it in the package's queries.py and call it"


CLOCK_READS = re.compile(r"\b(date\.today\(|datetime\.now\(|datetime\.utcnow\(|time\.time\(\))")


@pytest.mark.parametrize("folder", ["portal", "demo"])
def test_the_clock_is_read_in_one_place(folder):
    """`portal.core.clock` is the one clock: `utcnow()` for instants, `today()` for the UK date."""
    reads = [f"{_relative(p)}:{n}" for p in _python_files(ROOT / folder)
             if p != PORTAL / "core" / "clock.py"
             for n, line in enumerate(p.read_text().splitlines(), 1) if CLOCK_READS.search(line)]
    assert not reads, f"clock read at {reads}: use portal.core.clock.utcnow() or today()"


@pytest.mark.parametrize("folder", ["portal", "analysis", "surveys", "demo"])
def test_settings_are_read_only_by_the_config_module(folder):
    """Every setting and its default is written in portal/core/config.py; code reads app.config."""
    reads = [_relative(p) for p in _python_files(ROOT / folder)
             if p != PORTAL / "core" / "config.py" and re.search(r"os\.environ|os\.getenv|getenv\(",
                                                                 p.read_text())]
    assert not reads, (f"{reads} read the environment: add the setting (and its default) to "
                       "portal/core/config.py::settings_from_env and read it from the app config")


def test_migrations_never_import_the_app():
    """A migration is history: importing live models would change it when the code changes."""
    folder = ROOT / "migrations" / "versions"
    importing = [_relative(p) for p in _python_files(folder)
                 if any(name == "portal" or name.startswith("portal.") for name in _imports(p))]
    template = (ROOT / "migrations" / "script.py.mako").read_text()
    assert not importing, f"{importing} import portal: spell column types in plain SQLAlchemy (sa.*)"
    assert "portal" not in template, "migrations/script.py.mako must not import portal"


@pytest.mark.parametrize("folder", ["portal", "surveys", "analysis"])
def test_no_demo_code_ships_in_the_product(folder):
    """Synthetic data and the demo live in the top-level demo/ package."""
    found = [_relative(p) for p in _python_files(ROOT / folder)
             if p.stem in {"demo", "synthetic"} or any(n == "demo" or n.startswith("demo.")
                                                        for n in _imports(p))]
    found = [f for f in found if f != "portal/core/cli.py"]  # `flask demo` loads it on request
    assert not found, f"{found}: demo and synthetic-data code belongs in demo/"


def test_analysis_is_a_library():
    """analysis/ never imports Flask, the portal or the questionnaire library."""
    leaking = [f"{_relative(p)} imports {sorted(bad)}" for p in _python_files(ROOT / "analysis")
               if (bad := {n for n in _imports(p) if n.split(".")[0] in {"flask", "portal", "surveys"}})]
    assert not leaking, f"{leaking}: pass plain values and data frames into analysis/ instead"


def test_every_staff_route_declares_its_roles():
    """The access walker (tests/portal/test_access.py) can read who may use each staff route."""
    from portal import create_app
    from portal.auth.access import PUBLIC_BLUEPRINTS, route_roles

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    unreadable = [rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint.rsplit(".", 1)[0] not in PUBLIC_BLUEPRINTS and "." in rule.endpoint
                  and not route_roles(app, rule.endpoint)]
    assert not unreadable, (f"{unreadable}: make the blueprint with staff_blueprint(..., roles=...) "
                            "or give the view requires(Role...)")


def test_blueprints_are_declared_in_one_table():
    """Every blueprint and its URL prefix is in portal/__init__.py::BLUEPRINTS, the URL map in one place."""
    from portal import BLUEPRINTS, create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    declared = {name for name, _where, _prefix in BLUEPRINTS}
    assert set(app.blueprints) == declared, (
        f"blueprints not in portal/__init__.py::BLUEPRINTS: {sorted(set(app.blueprints) - declared)}")


def test_url_prefixes_are_set_only_in_the_blueprint_table():
    setting = [_relative(p) for p in _python_files(PORTAL)
               if p != PORTAL / "__init__.py" and "url_prefix=" in p.read_text()]
    assert not setting, f"{setting} set a url_prefix: give it in portal/__init__.py::BLUEPRINTS instead"


def test_templates_live_in_their_package_folder():
    """A package renders templates from templates/<package>/ (the shared error page aside)."""
    rendered = re.compile(r"render_template\(\s*\"([^\"]+)\"")
    elsewhere = [f"{_relative(p)} renders {name}" for p in _python_files(PORTAL)
                 for name in rendered.findall(p.read_text())
                 if p.parent != PORTAL / "core" and name.split("/")[0] != p.relative_to(PORTAL).parts[0]]
    assert not elsewhere, f"{elsewhere}: move the template to templates/<package>/"


def test_absolute_links_come_from_public_base_url():
    """`url_for(..., _external=True)` takes the request's Host header, which a client can forge and a
    cache would keep; absolute links go through portal.core.links.public_url."""
    external = [_relative(p) for p in _python_files(PORTAL)
                if p != PORTAL / "core" / "links.py" and "_external=True" in p.read_text()]
    assert not external, f"{external} build links from the request: use portal.core.links.public_url"


# The demo partnership's names; the demo sets them as its profile, like any partnership.
DEMO_PARTNERSHIP = re.compile(r"Bath and North East Somerset|B&(amp;)?NES|bathnes", re.IGNORECASE)


def test_no_partnership_is_named_in_the_product():
    """Every page, e-mail, report, feed and API answer names the partnership from its profile
    (portal.areas.profile); the demo's own name lives in demo/ only."""
    files = [*_python_files(PORTAL), *sorted((ROOT / "templates").rglob("*.html")),
             *sorted((ROOT / "templates").rglob("*.txt"))]
    named = [_relative(p) for p in files if DEMO_PARTNERSHIP.search(p.read_text())]
    assert not named, f"{named} name the demo's partnership: use `partnership` (the profile)"
