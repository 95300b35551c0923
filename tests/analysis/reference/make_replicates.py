"""Write the engine's replicate weights of the design fixture for R to read (run once; committed).

    .venv/bin/python tests/analysis/reference/make_replicates.py
    Rscript tests/analysis/reference/make_replicates.R tests/analysis/reference/design

``design_repw_jk1.csv.gz``: JK1 over the clusters (no strata); ``design_repw_bootstrap.csv.gz``: 40
bootstrap replicates within the strata, seed 24. Both raked as the design fixture (control file).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from analysis.replicates import make_replicates  # noqa: E402
from tests.analysis.conftest import reference_case  # noqa: E402

SPECS = {"jk1": {"cluster": "cluster"},
         "bootstrap": {"strata": "stratum", "cluster": "cluster", "replicates": 40, "seed": 24}}


def replicates(method):
    d, m, _ref, _gap, _w, control = reference_case("design")
    return d, make_replicates(d, m, method=method, **SPECS[method], **control)


def main():
    for method in SPECS:
        d, reps = replicates(method)
        reps.frame(d["response_id"]).to_csv(HERE / f"design_repw_{method}.csv.gz", index=False,
                                            float_format="%.17g")


if __name__ == "__main__":
    main()
