"""Records in Twerton for every URL variable of a neighbourhood-scoped staff route.

`tests/portal/test_access.py` fills each staff route's URL with these and checks that a coordinator
of Keynsham gets 404. Each area of the portal adds its own provider: a module
`tests/portal/<area>/scope_records.py` with `records(session, neighbourhoods) -> dict[str, str]`
that creates Twerton records and returns {url variable: value}. They are found automatically.
"""

from __future__ import annotations

import importlib
from pathlib import Path


def twerton_records(session, neighbourhoods) -> dict[str, str]:
    twerton = neighbourhoods["twerton"]
    values: dict[str, str] = {"slug": twerton.slug, "neighbourhood": twerton.slug}
    here = Path(__file__).parent
    for provider in sorted(here.glob("*/scope_records.py")):
        module = importlib.import_module(f"tests.portal.{provider.parent.name}.scope_records")
        values.update(module.records(session, neighbourhoods))
    return values
