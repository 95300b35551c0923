"""The analyst tests use the report tests' survey data."""

from tests.portal.reports.conftest import survey  # noqa: F401 - a fixture
