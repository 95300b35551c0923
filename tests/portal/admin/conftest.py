from tests.portal.reports.conftest import survey  # noqa: F401  (the report tests survey data)
from tests.portal.survey.conftest import make_wave, wave  # noqa: F401  (shared fixtures)
