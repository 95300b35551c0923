"""The PACT Voicebox portal: a Flask application built by `create_app`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    from portal import access, errors, limits, logs, request_checks, security
    from portal.auth import staff_sessions
    from portal.config import settings_from_env
    from portal.extensions import csrf, db, login_manager

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder="static",
    )
    env = None
    if config and "ENV_OVERRIDES" in config:
        env = dict(config["ENV_OVERRIDES"])
    app.config.from_mapping(settings_from_env(Path(app.instance_path), env))
    if config:
        app.config.update({k: v for k, v in config.items() if k != "ENV_OVERRIDES"})

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

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

    from portal.admin.views import bp as admin_bp
    from portal.analyst.views import bp as analyst_bp
    from portal.auth.views import bp as auth_bp
    from portal.pact.views import bp as pact_bp
    from portal.public.views import bp as public_bp
    from portal.staff.views import bp as staff_bp
    from portal.survey.views import bp as survey_bp

    for blueprint in (public_bp, auth_bp, staff_bp, pact_bp, survey_bp, admin_bp, analyst_bp):
        app.register_blueprint(blueprint)

    from analysis.formatting import FILTERS

    app.jinja_env.filters.update(FILTERS)

    @app.context_processor
    def _globals():
        return {"is_staff_area": False, "public_blueprints": access.PUBLIC_BLUEPRINTS}

    from portal import cli

    cli.init_app(app)
    return app
