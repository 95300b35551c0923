"""Admins edit which PACT categories and priority topics address which survey concern (YAML)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from analysis.errors import InputError
from portal.core import audit
from portal.core.extensions import db
from portal.pact.concerns import mapping_text, restore_mapping, save_mapping
from portal.pact.forms import MappingForm, RestoreForm
from portal.pact.views import concerns_bp as bp


@bp.route("/", methods=["GET", "POST"])
def edit():
    form = MappingForm()
    text, edited = mapping_text(db.session)
    if form.validate_on_submit():
        try:
            save_mapping(db.session, form.content.data or "", current_user.id)
        except InputError as error:
            db.session.rollback()
            form.content.errors = [str(error)]
        else:
            audit.record(db.session, "concern_mapping_edited", "definition", "concerns-and-priorities")
            db.session.commit()
            flash("Saved the mapping of survey concerns to PACT priorities.")
            return redirect(url_for(".edit"))
    elif not form.is_submitted():
        form.content.data = text
    status = 400 if form.errors else 200
    return render_template("pact/concerns.html", form=form, edited=edited,
                           restore=RestoreForm(formdata=None)), status


@bp.post("/restore")
def restore():
    if RestoreForm().validate_on_submit():
        restore_mapping(db.session)
        audit.record(db.session, "concern_mapping_restored", "definition", "concerns-and-priorities")
        db.session.commit()
        flash("The shipped mapping is in force again.")
    return redirect(url_for(".edit"))
