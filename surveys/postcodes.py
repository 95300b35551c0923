"""UK postcode format checks.

Only the format is checked (outward code, space, inward code, with the letters Royal Mail never
uses excluded); whether a postcode exists needs the ONS postcode directory, which is the portal's
job when it looks up the neighbourhood.
"""

from __future__ import annotations

import re

_POSTCODE = re.compile(
    r"^(?:GIR0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(text: str) -> str | None:
    """``' ba11aa '`` -> ``'BA1 1AA'``; None if it is not in UK postcode format."""
    squashed = re.sub(r"\s+", "", text).upper()
    if not _POSTCODE.match(squashed):
        return None
    return f"{squashed[:-3]} {squashed[-3:]}"
