"""Fair comparators: the published figures our survey is set against (see analysis.comparators)."""
