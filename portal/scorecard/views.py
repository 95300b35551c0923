"""The scorecard page (analysts and admins), its CSV export, and the admin's actuals form."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from analysis.errors import InputError
from analysis.formatting import plural
from analysis.scorecard import STATUSES, year_label
from portal.auth.access import requires, staff_blueprint
from portal.core import audit, http
from portal.core.extensions import db
from portal.models import Role
from portal.reports.cache import analysis_cache
from portal.reports.data import ReportError
from portal.scorecard.actuals import (
    ScorecardError,
    build_rows,
    check_actual,
    export_csv,
    record_actuals,
)
from portal.scorecard.forms import ActualForm, ClearTargetsForm, TargetsForm
from portal.scorecard.targets import (
    EXAMPLE,
    clear_targets,
    current_targets,
    save_targets,
    targets_text,
)

bp = staff_blueprint("scorecard", __name__, roles=(Role.ANALYST, Role.ADMIN))


def _survey_analysis():
    """The latest closed wave's analysis (with its history), or None when there is none yet."""
    try:
        return analysis_cache().get(db.session, None)
    except ReportError:
        return None


def _rows():
    card = current_targets(db.session)
    return card, build_rows(db.session, card, _survey_analysis())


def _form(card, blank: bool = False) -> ActualForm:
    form = ActualForm(formdata=None) if blank else ActualForm()
    form.indicator.choices = [(i.id, f"{i.reference}: {i.title}") for i in card.indicators
                              if i.source == "entered"]
    form.year.choices = [(year_label(y), year_label(y)) for y in card.years]
    return form


@bp.get("/")
def index():
    card, rows = _rows()
    form = _form(card, blank=True) if current_user.role == Role.ADMIN else None
    return render_template("scorecard/index.html", card=card, rows=rows, form=form,
                           statuses=STATUSES, year_label=year_label)


@bp.get("/scorecard.csv")
def download():
    _card, rows = _rows()
    return http.download(export_csv(rows), "laa-scorecard.csv")


@bp.post("/actuals")
@requires(Role.ADMIN)
def enter_actual():
    card = current_targets(db.session)
    form = _form(card)
    if form.validate_on_submit():
        try:
            value = check_actual(card, form.indicator.data, form.year.data, form.actual.data or "")
        except ScorecardError as error:
            form.actual.errors = [str(error)]
        else:
            record_actuals(db.session, [value], current_user.id)
            audit.record(db.session, "scorecard_actual", "scorecard", value[0],
                         year=form.year.data, value=value[2])
            db.session.commit()
            flash(f"Recorded {form.year.data} for {card.indicator(value[0]).reference}.")
            return redirect(url_for(".index"))
    _card, rows = _rows()
    return render_template("scorecard/index.html", card=card, rows=rows, form=form,
                           statuses=STATUSES, year_label=year_label), 400


@bp.route("/targets", methods=["GET", "POST"])
@requires(Role.ADMIN)
def targets():
    """The partnership's targets as YAML: checked as a whole, saved only when every line is right."""
    form = TargetsForm()
    stored = targets_text(db.session)
    if form.validate_on_submit():
        try:
            card = save_targets(db.session, form.content.data or "", current_user.id)
        except InputError as error:
            db.session.rollback()
            form.content.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Saved the targets: {plural(len(card.indicators), 'indicator')} over "
                  f"{plural(len(card.years), 'year')}.")
            return redirect(url_for(".index"))
    elif not form.is_submitted():
        form.content.data = stored.content if stored else EXAMPLE
    return render_template("scorecard/targets.html", form=form, stored=stored,
                           clear=ClearTargetsForm(formdata=None)), 400 if form.errors else 200


@bp.get("/targets.yaml")
@requires(Role.ADMIN)
def download_targets():
    stored = targets_text(db.session)
    return http.download(stored.content if stored else EXAMPLE, "laa-targets.yaml",
                         "application/yaml; charset=utf-8")


@bp.post("/targets/clear")
@requires(Role.ADMIN)
def remove_targets():
    if ClearTargetsForm().validate_on_submit():
        clear_targets(db.session)
        db.session.commit()
        flash("Removed the targets: the scorecard is empty and NI 21 has no target.")
    return redirect(url_for(".targets"))
