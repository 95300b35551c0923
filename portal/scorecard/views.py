"""The scorecard page (analysts and admins), its CSV export, and the admin's actuals form."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

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
    load_card,
    record_actuals,
)
from portal.scorecard.forms import ActualForm

bp = staff_blueprint("scorecard", __name__, roles=(Role.ANALYST, Role.ADMIN))


def _survey_analysis():
    """The latest closed wave's analysis (with its history), or None when there is none yet."""
    try:
        return analysis_cache().get(db.session, None)
    except ReportError:
        return None


def _rows():
    card = load_card(current_app.config.get("SCORECARD_TARGETS"))
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
    card = load_card(current_app.config.get("SCORECARD_TARGETS"))
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
