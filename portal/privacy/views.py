"""Subject access and erasure (admins only): everything held about an e-mail address, as a page
and as one JSON file, and its erasure after a confirmation page. URLs sit under /admin/people."""

from __future__ import annotations

import json

from flask import Response as HttpResponse
from flask import current_app, flash, redirect, render_template, request, url_for

from analysis.formatting import plural
from portal.auth.access import staff_blueprint
from portal.core import audit
from portal.core.extensions import db
from portal.core.refusals import refusals_to
from portal.models import Role
from portal.privacy.forms import EraseForm, PersonForm
from portal.privacy.subject_access import PersonRecords, describe_erasure, erase_person, find_person
from portal.survey import opt_out

bp = staff_blueprint("privacy", __name__, roles=(Role.ADMIN,))


def _address_key() -> str:
    """The key of the panel's address hashes (who left the panel)."""
    return opt_out.Keys.from_config(current_app.config).address


def _looked_up(form: PersonForm) -> PersonRecords | None:
    """What is held about the form's address, or None with the problem on the form. Every look-up
    is audited (who looked up which address, and how much was found), in its own commit. The
    entry holds the address as its keyed hash (the panel's, `opt_out.address_hash`): a look-up for
    an address nothing is held about must not start holding it, yet "was X looked up, by whom?"
    can still be answered by hashing X."""
    if not form.validate_on_submit():
        return None
    # WTForms' stubs type a field's errors as a Sequence; once validated they are the field's list.
    with refusals_to(form.email.errors) as attempt:
        records = find_person(db.session, form.email.data or "", _address_key())
    if not attempt:
        return None
    audit.record(db.session, "subject_access_looked_up", "person", "",
                 address_hash=opt_out.address_hash(records.email, _address_key()), found=records.found)
    db.session.commit()
    return records


@bp.route("/people", methods=["GET", "POST"])
def people():
    """Find everything held about an e-mail address (a subject access or erasure request)."""
    form = PersonForm()
    records = _looked_up(form) if request.method == "POST" else None
    return render_template("privacy/people.html", form=form, records=records)


@bp.post("/people/access.json")
def people_json():
    """The right of access: everything held about the address, as one JSON file."""
    form = PersonForm()
    records = _looked_up(form)
    if records is None:
        return render_template("privacy/people.html", form=form, records=None), 400
    audit.record(db.session, "subject_access_exported", "person", "", address=records.email,
                 found=records.found)
    db.session.commit()
    data = json.dumps(records.as_json(), indent=2, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(data, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="subject-access.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/people/erase")
def people_erase():
    """Erase an address: a confirmation page first, then (box ticked) the erasure and its audit."""
    form = EraseForm()
    if request.form.get("step") != "confirm":
        lookup = PersonForm()
        records = _looked_up(lookup)
        if records is None:
            return render_template("privacy/people.html", form=lookup, records=None), 400
        form.email.data = records.email
        return render_template("privacy/people_erase.html", form=form, records=records)
    if not form.validate_on_submit():
        return render_template("privacy/people_erase.html", form=form, records=None), 400
    with refusals_to(form.form_errors) as attempt:
        counts = erase_person(db.session, form.email.data or "", _address_key())
        audit.record(db.session, "person_erased", "person", "", **counts)
    if not attempt:
        return render_template("privacy/people_erase.html", form=form, records=None), 400
    if not any(counts.values()):
        flash("Nothing was found for that address, so nothing was erased.")
    else:
        flash(f"Erased: {plural(sum(counts.values()), 'record')} no longer name the address "
              f"({'; '.join(describe_erasure(counts))}).")
    return redirect(url_for("privacy.people"))
