from tests.portal.survey.conftest import make_wave, wave  # noqa: F401  (shared fixtures)
