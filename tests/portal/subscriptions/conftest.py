"""The API tests use the report tests' survey data: two closed waves of 600 responses each, with
Chew Valley below the suppression threshold (12 responses), and an open wave with none."""

from tests.portal.reports.conftest import early_responses, survey  # noqa: F401 - fixtures
