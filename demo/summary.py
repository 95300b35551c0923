"""What a run of `seed_demo` added, counted by kind, and the demo staff's sign-ins."""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.formatting import plural

PLURALS = {"agency": "agencies", "PACT priority": "PACT priorities"}


@dataclass
class DemoSummary:
    added: dict[str, int] = field(default_factory=dict)
    staff: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        """Count `n` more of `what`, named in the singular ("PACT issue"); `describe` pluralises."""
        self.added[what] = self.added.get(what, 0) + n

    def describe(self) -> str:
        if not any(self.added.values()):
            return "The demo data is already loaded; nothing was added."
        parts = [plural(n, what, PLURALS.get(what)) for what, n in self.added.items() if n]
        return "Loaded synthetic demo data: " + ", ".join(parts) + "."
