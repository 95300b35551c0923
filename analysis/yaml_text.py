"""YAML that staff type into the portal: the safe loader, with no aliases and limits on size and depth.

The safe loader builds no objects, but an alias bomb (a few hundred bytes of ``&a [*b, *b]``
levels) still expands into millions of references the moment anything walks or prints them, and
deep nesting exhausts Python's recursion. Mappings never need either, so both are refused with a
message naming the line.
"""

from __future__ import annotations

from typing import Any

import yaml

from analysis.errors import InputError

MAX_CHARACTERS = 100_000
MAX_DEPTH = 20


class _LimitedLoader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed; write the value out",
                                       problem_mark=mark)
        if self.depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(problem=f"nested more than {MAX_DEPTH} levels deep",
                                       problem_mark=mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_typed_yaml(text: str, source: str) -> Any:
    """The document in ``text``; InputError with the line and PyYAML's problem in words, never
    its raw multi-line report."""
    if len(text) > MAX_CHARACTERS:
        raise InputError(f"{source} is {len(text):,} characters long; the limit is "
                         f"{MAX_CHARACTERS:,}")
    try:
        return yaml.load(text, Loader=_LimitedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "not valid YAML"
        raise InputError(f"cannot read {source}{where}: {problem}") from None
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date such as 2011-02-30
        raise InputError(f"cannot read {source}: {error}") from None
