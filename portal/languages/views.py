"""/admin/languages: which resident strings each offered language lacks (admins only), in the
interface and in each published questionnaire version."""

from __future__ import annotations

from flask import abort, current_app, render_template

from portal.auth.access import staff_blueprint
from portal.core.extensions import db
from portal.languages.pages import interface_languages, missing_strings, version_coverage
from portal.models import Role
from portal.questionnaires.queries import version_by_id

bp = staff_blueprint("languages", __name__, roles=(Role.ADMIN,))


def _offered() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


@bp.get("/")
def index():
    return render_template("languages/index.html", interface=interface_languages(current_app.config),
                           versions=version_coverage(db.session, _offered()))


@bp.get("/questionnaires/<int:version_id>")
def questionnaire(version_id: int):
    row = version_by_id(db.session, version_id)
    if row is None:
        abort(404)
    return render_template("languages/questionnaire.html", row=row,
                           languages=missing_strings(db.session, row, _offered()))
