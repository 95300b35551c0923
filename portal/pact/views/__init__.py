"""PACT's blueprints, each record of the staff ones checked against the user's neighbourhoods
(`check_scope`) before any form is read:

- `bp` ("pact", /pact): the coordinator console: issues, meetings and priorities, agendas, service
  standards and metrics (`issues`, `meetings`, `agendas`);
- `concerns_bp` ("concern_mapping", /admin/concerns): the admin's mapping of PACT categories and
  priority topics to survey concerns (`concerns`);
- `resident_bp` ("issues"): the resident's pages: raise an issue, follow one by its reference, a
  meeting's published papers (`resident`) and the "Was it resolved?" answer page (`follow_up`).
"""

from flask import Blueprint

from portal.auth.access import staff_blueprint
from portal.models import Role

bp = staff_blueprint("pact", __name__, roles=(Role.COORDINATOR, Role.ADMIN))
concerns_bp = staff_blueprint("concern_mapping", __name__, roles=(Role.ADMIN,))
resident_bp = Blueprint("issues", __name__)

from portal.pact.views import (  # noqa: E402, F401 - routes register on the blueprints
    agendas,
    concerns,
    follow_up,
    issues,
    meetings,
    resident,
)
