"""The PACT Voicebox portal: a Flask application built by `create_app`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent


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

    from portal.core import cli

    cli.init_app(app)
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
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _bind_extensions(app: Flask) -> None:
    """Each extension bound late (one factory, extensions in portal/core/extensions.py), in order."""
    from portal.auth import staff_sessions
    from portal.core import errors, limits, logs, request_checks, security
    from portal.core.extensions import csrf, db, login_manager

    logs.init_app(app)
    db.init_app(app)
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


def _register_blueprints(app: Flask) -> None:
    """Each feature's blueprints (a staff one and a resident one at most), on their URL prefixes."""
    from portal.admin.views import bp as admin_bp
    from portal.analyst.views import bp as analyst_bp
    from portal.api.views import bp as api_bp
    from portal.auth.views import bp as auth_bp
    from portal.charter.views import bp as charter_bp
    from portal.charter.views import public_bp as complaints_bp
    from portal.crime.views import bp as crime_bp
    from portal.pact.views import bp as pact_bp
    from portal.pact.views import concerns_bp as concern_mapping_bp
    from portal.pact.views import resident_bp as issues_bp
    from portal.public.views import bp as public_bp
    from portal.results.views import bp as results_bp
    from portal.scorecard.views import bp as scorecard_bp
    from portal.staff.views import bp as staff_bp
    from portal.subscriptions.views import bp as subscriptions_bp
    from portal.survey.views import bp as survey_bp

    for blueprint in (public_bp, issues_bp, auth_bp, staff_bp, pact_bp, survey_bp, admin_bp, analyst_bp,
                      crime_bp, scorecard_bp, concern_mapping_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp)  # open data: /api/v1/ and /open-data
    app.register_blueprint(results_bp)  # public survey results
    app.register_blueprint(subscriptions_bp)  # meeting calendars and activity feeds
    app.register_blueprint(complaints_bp)  # residents write to the partnership (Service Charter)
    app.register_blueprint(charter_bp)  # the complaints and enquiries queue with its clocks


def _register_templates(app: Flask) -> None:
    """Filters and globals every template may use, and the access areas."""
    from portal import access
    from portal.core import filters

    filters.init_app(app)

    @app.context_processor
    def _globals():
        return {"is_staff_area": False, "public_blueprints": access.PUBLIC_BLUEPRINTS}
