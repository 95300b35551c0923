"""Analyst routes name no neighbourhood's record in their URLs (report_id and filename are
UNSCOPED in tests/portal/test_access.py); nothing to add."""


def records(session, neighbourhoods) -> dict[str, str]:
    return {}
