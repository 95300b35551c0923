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


def shaped_reference(text: str) -> str | None:
    """Any six letters or digits typed as a reference (`' pact 1234 56 '` -> `'PACT-1234-56'`);
    None when the shape is wrong. A shaped reference may still hold look-alike characters no
    reference uses: it then names no issue, which is what a resident should be told, rather
    than that they typed it in the wrong format."""
    squashed = re.sub(r"[\s\-]+", "", text or "").upper()
    if len(squashed) == len(PREFIX) + 6 and squashed.startswith(PREFIX):
        squashed = squashed[len(PREFIX):]
    if len(squashed) != 6 or not squashed.isascii() or not squashed.isalnum():
        return None
    return f"{PREFIX}-{squashed[:4]}-{squashed[4:]}"


def normalise_reference(text: str) -> str | None:
    """`' pact 7k3m9q '` -> `'PACT-7K3M-9Q'`; None if it cannot be a reference."""
    reference = shaped_reference(text)
    return reference if reference and _PATTERN.match(reference) else None
