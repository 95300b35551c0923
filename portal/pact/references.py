"""Issue references residents can read out and type: `PACT-7K3M-9Q`.

Six random characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V),
so references are short, unambiguous and cannot be guessed in sequence (23^6, about 148 million
possibilities; lookups are rate-limited per address).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
PREFIX = "PACT"
_PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{2}}$")


def new_reference(choice=secrets.choice) -> str:
    """A fresh reference; `choice` lets the demo draw them from its seeded generator."""
    chars = "".join(choice(ALPHABET) for _ in range(6))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def normalise_reference(text: str) -> str | None:
    """`' pact 7k3m9q '` -> `'PACT-7K3M-9Q'`; None if it cannot be a reference."""
    squashed = re.sub(r"[\s\-]+", "", text or "").upper()
    if len(squashed) == len(PREFIX) + 6 and squashed.startswith(PREFIX):
        squashed = squashed[len(PREFIX):]
    if len(squashed) != 6:
        return None
    reference = f"{PREFIX}-{squashed[:4]}-{squashed[4:]}"
    return reference if _PATTERN.match(reference) else None
