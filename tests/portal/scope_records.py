"""Records in Twerton for every URL variable of a neighbourhood-scoped staff route.

`tests/portal/test_access.py` fills each staff route's URL with these and checks that a coordinator
of Keynsham gets 404. When you add a route with a new URL variable, add a record for it here.
"""

from __future__ import annotations


def twerton_records(session, neighbourhoods) -> dict[str, str]:
    twerton = neighbourhoods["twerton"]
    values: dict[str, str] = {"slug": twerton.slug, "neighbourhood": twerton.slug}
    return values
