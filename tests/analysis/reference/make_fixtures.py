"""Make the R-reference fixtures (run once; then run make_reference.R on them).

    .venv/bin/python tests/analysis/reference/make_fixtures.py
    Rscript tests/analysis/reference/make_reference.R tests/analysis/reference/<name>

Fixture ``biased``: 12,000 generated responses (older people over-represented, blanks, don't
knows, routing) with every weighting variable given, Whiteway cut to 60 respondents (a
neighbourhood under 100). Fixture ``ethnicity_base``: 10,000 responses raked on age, sex,
neighbourhood and ethnicity from unequal base weights.
"""

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from demo.responses import generate_responses, population_margins  # noqa: E402


def main():
    d = generate_responses(12_500, seed=2024, wave="2008-09", prefer_not_to_say=0.0)
    ww = np.flatnonzero(d["neighbourhood"].to_numpy() == "whiteway")
    drop = ww[60:]
    d = d.drop(index=drop).iloc[:12_000].reset_index(drop=True)
    d.to_csv(HERE / "biased_responses.csv.gz", index=False)
    population_margins(ethnicity=False).to_csv(HERE / "biased_margins.csv", index=False)

    e = generate_responses(10_000, seed=77, wave="2009-10", prefer_not_to_say=0.0)
    e = e[e["ethnicity"] != "prefer_not_to_say"].reset_index(drop=True)
    rng = np.random.default_rng(5)
    e.insert(5, "base_weight", np.round(rng.uniform(0.5, 2.0, len(e)), 3))
    e.to_csv(HERE / "ethnicity_base_responses.csv.gz", index=False)
    population_margins(ethnicity=True).to_csv(HERE / "ethnicity_base_margins.csv", index=False)


if __name__ == "__main__":
    main()
