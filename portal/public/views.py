"""Pages for residents; no account, no personal data."""

from flask import Blueprint, render_template
from sqlalchemy import select

from portal.extensions import db
from portal.models import Neighbourhood

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    neighbourhoods = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all()
    return render_template("public/home.html", neighbourhoods=neighbourhoods)


@bp.route("/privacy")
def privacy():
    return render_template("public/privacy.html")
