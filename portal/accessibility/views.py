"""The accessibility statement (blueprint `accessibility`, public) and the admins' page that edits
its status, its non-accessible items and its dates (blueprint `statement`)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accessibility.forms import StatementForm
from portal.accessibility.pages import statement_page
from portal.accessibility.statement import items_as_text, save_statement
from portal.auth.access import staff_blueprint
from portal.core.clock import today
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.models import ComplianceStatus, Role

public_bp = Blueprint("accessibility", __name__)
bp = staff_blueprint("statement", __name__, roles=(Role.ADMIN,))


@public_bp.route("/accessibility")
def statement():
    return render_template("accessibility/statement.html",
                           page=statement_page(db.session, current_app.config))


@bp.route("/", methods=["GET", "POST"])
def edit():
    page = statement_page(db.session, current_app.config)
    form = StatementForm()
    if request.method == "GET":
        form.status.data = page.status.value
        form.items.data = items_as_text(page.items)
        form.prepared_on.data = page.prepared_on or today()
        form.reviewed_on.data = page.reviewed_on or today()
        return render_template("accessibility/edit.html", form=form)
    if form.validate():
        assert form.prepared_on.data is not None and form.reviewed_on.data is not None  # required
        with refusals_to(form.items.errors) as attempt:
            save_statement(db.session, ComplianceStatus(form.status.data), form.items.data or "",
                           form.prepared_on.data, form.reviewed_on.data, current_user)
        if attempt:
            flash("The accessibility statement is saved.")
            return redirect(url_for("statement.edit"))
    return render_template("accessibility/edit.html", form=form), 400
