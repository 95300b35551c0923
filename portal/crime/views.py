"""The admin page for recorded crime: upload police.uk street-level files.

It does what `flask --app portal crime import` does, through the same functions
(`portal.crime.importing`): a malformed file imports nothing and each problem is listed. Crimes are
counted by the one LSOA lookup, loaded with the neighbourhoods at Set-up > Areas.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from portal.auth.access import staff_blueprint
from portal.core import audit
from portal.core.extensions import db
from portal.core.request_checks import allow_upload
from portal.crime.forms import StreetFilesForm
from portal.crime.importing import CrimeDataError, import_street_files, read_street_file
from portal.crime.queries import imported_months, lookup_sizes
from portal.models import Role

bp = staff_blueprint("crime", __name__, roles=(Role.ADMIN,))

# A month of a large force is a few MB: several months fit in one upload; a year at once is the CLI's.
STREET_FILES_UPLOAD_BYTES = 25 * 1024 * 1024


def _page(files_form: StreetFilesForm, problems=(), status: int = 200):
    imports = imported_months(db.session)
    lookup = lookup_sizes(db.session)
    return render_template("crime/index.html", files_form=files_form,
                           problems=problems, imports=imports, lookup=lookup), status


@bp.get("/")
def index():
    return _page(StreetFilesForm(formdata=None))


@bp.post("/files")
@allow_upload(STREET_FILES_UPLOAD_BYTES, fields=("files",))
def upload_files():
    form = StreetFilesForm()
    uploads = [f for f in (form.files.data or []) if getattr(f, "filename", "")]
    if not form.validate_on_submit() or not uploads:
        if not form.files.errors:
            form.files.errors = ["Choose one or more street-level CSV files"]
        return _page(form, status=400)
    try:
        files = [read_street_file(f.read(), f.filename.rsplit("/", 1)[-1]) for f in uploads]
        outcome = import_street_files(db.session, files)
    except CrimeDataError as error:
        db.session.rollback()
        form.form_errors.append("Nothing was imported: fix the problems below and upload the "
                                "files again.")
        return _page(form, error.problems, 400)
    audit.record(db.session, "crime_import", "crime", ",".join(f.filename for f in files)[:200],
                 rows=outcome.rows, kept=outcome.kept, outside_lookup=outcome.outside_lookup)
    db.session.commit()
    flash(outcome.describe())
    return redirect(url_for(".index"))
