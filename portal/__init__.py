"""The PACT Voicebox portal: a Flask application built by `create_app`."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent

# Every blueprint: (name, where it is made, URL prefix). The URL map reads in this one table; a
# feature has at most a staff blueprint and a resident one (CONTRIBUTING.md).
BLUEPRINTS = (
    # Residents (no account)
    ("public", "portal.public.views:bp", ""),  # home, privacy, the neighbourhood page
    ("issues", "portal.pact.views:resident_bp", ""),  # raise and follow an issue, "Was it resolved?"
    ("survey", "portal.survey.views.resident:bp", "/survey"),
    ("results", "portal.results.views:bp", ""),  # /results
    ("api", "portal.api.views:bp", ""),  # /api/v1/ and /open-data
    ("subscriptions", "portal.subscriptions.views:bp", ""),  # meeting calendars, feeds, e-mail alerts
    ("complaints", "portal.charter.views:public_bp", ""),  # /contact-us (Service Charter)
    ("accessibility", "portal.accessibility.views:public_bp", ""),  # /accessibility (the statement)
    ("asb_case_review", "portal.casereviews.views:public_bp", ""),  # /asb-case-review: apply, figures
    # Staff
    ("auth", "portal.auth.views:bp", "/staff"),
    ("staff", "portal.staff.views:bp", "/staff"),
    ("pact", "portal.pact.views:bp", "/pact"),
    ("charter", "portal.charter.views:bp", "/charter"),  # the complaints and enquiries queue
    ("case_reviews", "portal.casereviews.views:bp", "/case-reviews"),  # ASB case reviews
    ("analyst", "portal.analyst.views:bp", "/analyst"),
    ("scorecard", "portal.scorecard.views:bp", "/analyst/scorecard"),
    ("admin", "portal.survey.views.admin:bp", "/admin"),  # waves, panel, imports, exports
    ("questionnaires", "portal.questionnaires.views:bp", "/admin/questionnaires"),  # versions, files
    ("privacy", "portal.privacy.views:bp", "/admin"),  # subject access and erasure
    ("crime", "portal.crime.views:bp", "/admin/crime"),
    ("setup", "portal.areas.views:bp", "/admin/setup"),  # the partnership's profile, agencies
    ("concern_mapping", "portal.pact.views:concerns_bp", "/admin/concerns"),
    ("statement", "portal.accessibility.views:bp", "/admin/accessibility"),  # edit the statement
    ("outbox", "portal.outbox.views:bp", "/admin/mail"),  # undelivered mail; the outbox in development
    ("languages", "portal.languages.views:bp", "/admin/languages"),  # what each language lacks
)

# Each feature's `flask --app portal ...` command group (core's own: db, users, demo, worker).
COMMANDS = (
    "portal.areas.cli:areas_group",  # import-neighbourhoods, import-postcodes, import-population
    "portal.areas.cli:agencies_group",  # add, rename, retire, restore, list
    "portal.areas.cli:partnership_group",  # set, show
    "portal.privacy.cli:retention_group",  # retention run
    "portal.privacy.cli:people_group",  # people erase
    "portal.reports.cli:reports_group",
    "portal.crime.cli:crime_group",
    "portal.scorecard.cli:scorecard_group",
    "portal.comparators.cli:comparators_group",  # import, show, reset
    "portal.survey.cli:waves_group",  # waves create, import, list
    "portal.questionnaires.cli:questionnaires_group",  # load, list, export, import
    "portal.pact.cli:follow_ups_group",  # follow-ups send
    "portal.subscriptions.cli:alerts_group",  # alerts send
    "portal.outbox.cli:mail_group",  # mail send, list, show, retry
    "portal.casereviews.cli:case_reviews_group",  # case-reviews eligibility
)


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder="static",
    )
    _configure(app, config)
    _bind_extensions(app)
    _register_blueprints(app)
    _register_templates(app)

    _register_commands(app)
    return app


def _configure(app: Flask, config: Mapping | None) -> None:
    """Settings from the environment (or `ENV_OVERRIDES`), then the caller's overrides."""
    from portal.core.config import settings_from_env

    env = dict(config["ENV_OVERRIDES"]) if config and "ENV_OVERRIDES" in config else None
    app.config.from_mapping(settings_from_env(Path(app.instance_path), env))
    if config:
        app.config.update({k: v for k, v in config.items() if k != "ENV_OVERRIDES"})
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]


def _bind_extensions(app: Flask) -> None:
    """Each extension bound late (one factory, extensions in portal/core/extensions.py), in order."""
    from portal.auth import staff_sessions
    from portal.core import errors, languages, limits, logs, mail, request_checks, security
    from portal.core.extensions import csrf, db, login_manager

    logs.init_app(app)
    db.init_app(app)
    languages.init_app(app)
    request_checks.init_app(app)  # before CSRF, which reads the form: caps and NUL checks come first
    csrf.init_app(app)
    limits.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.session_protection = "strong"
    login_manager.user_loader(staff_sessions.load_user)
    staff_sessions.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    mail.init_app(app)


def _named(where: str):
    """The object a table names as "module:attribute" (imported when the app is built)."""
    module, attribute = where.split(":")
    return getattr(import_module(module), attribute)


def _register_blueprints(app: Flask) -> None:
    for name, where, prefix in BLUEPRINTS:
        blueprint = _named(where)
        assert blueprint.name == name, f"{where} is the blueprint {blueprint.name!r}, not {name!r}"
        app.register_blueprint(blueprint, url_prefix=prefix or None)


def _register_commands(app: Flask) -> None:
    from portal.core import cli

    cli.init_app(app)
    for where in COMMANDS:
        app.cli.add_command(_named(where))


def _register_templates(app: Flask) -> None:
    """Filters and globals every template may use, and the access areas."""
    from portal.auth import access
    from portal.core import filters

    filters.init_app(app)

    @app.context_processor
    def _globals():
        return {"is_staff_area": False, "public_blueprints": access.PUBLIC_BLUEPRINTS}
