"""The analyst tests use the report tests' survey data."""

from tests.portal.reports.conftest import early_responses, survey  # noqa: F401 - fixtures
