"""The coordinator console: issues, meetings and priorities, service standards and metrics, each
record checked against the user's neighbourhoods (`check_scope`) before any form is read."""

from portal.auth.access import staff_blueprint
from portal.models import Role

bp = staff_blueprint("pact", __name__, roles=(Role.COORDINATOR, Role.ADMIN), url_prefix="/pact")

from portal.pact.views import agendas, issues, meetings  # noqa: E402, F401 - routes register on bp
