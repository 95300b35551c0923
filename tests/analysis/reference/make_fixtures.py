"""Make the R-reference fixtures (run once; then run make_reference.R on them).

    .venv/bin/python tests/analysis/reference/make_fixtures.py           # or: ... design
    Rscript tests/analysis/reference/make_reference.R tests/analysis/reference/<name>

and for ``design`` also (about 12 minutes of R in all)::

    Rscript tests/analysis/reference/make_intervals.R tests/analysis/reference/design
    .venv/bin/python tests/analysis/reference/make_replicates.py
    Rscript tests/analysis/reference/make_replicates.R tests/analysis/reference/design

Fixture ``biased``: 12,000 generated responses (older people over-represented, blanks, don't
knows, routing) with every weighting variable given, Whiteway cut to 60 respondents (a
neighbourhood under 100). Fixture ``ethnicity_base``: 10,000 responses raked on age, sex,
neighbourhood and ethnicity from unequal base weights. Fixture ``design``: 6,000 responses from
unequal base weights in four strata (districts of neighbourhoods), each of 12 to 30 clusters
(about 60 responses each, drawn at random within the stratum, their numbers reused across strata), with
the population clusters per stratum (``fpc_clusters``), the sampling fraction of respondents
(``fpc_fraction``), and ``stratum_lonely``: the strata with one more holding a single cluster.
Its ``design_design.csv`` lists the designs R computes on it (strata, cluster, fpc, lonely PSU).
"""

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from demo.responses import generate_responses, population_margins  # noqa: E402


def main():
    if sys.argv[1:] == ["design"]:
        design_fixture()
        return
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

    design_fixture()


DISTRICTS = {
    "bath-city-centre": "bath", "widcombe": "bath", "oldfield-park": "bath", "twerton": "bath",
    "southdown": "bath-south", "combe-down": "bath-south", "whiteway": "bath-south",
    "larkhall": "bath-south", "keynsham": "keynsham", "chew-valley": "rural",
    "bathavon": "rural", "midsomer-norton": "rural",
}


def design_fixture():
    d = generate_responses(6_000, seed=31, wave="2009-10", prefer_not_to_say=0.0)
    rng = np.random.default_rng(8)
    d.insert(5, "base_weight", np.round(rng.uniform(0.5, 2.0, len(d)), 3))
    d.insert(6, "stratum", d["neighbourhood"].map(DISTRICTS).astype(str))
    cluster = np.empty(len(d), dtype=object)
    for rows in d.groupby("stratum").groups.values():
        rows = np.asarray(rows)
        k = max(len(rows) // 60, 2)
        cluster[rows] = [f"oa{c:02d}" for c in rng.integers(1, k + 1, len(rows))]
    d.insert(7, "cluster", cluster)
    sampled = d.groupby("stratum")["cluster"].nunique()
    d.insert(8, "fpc_clusters", d["stratum"].map(sampled * 4 + 3))
    n_h = d["stratum"].value_counts()
    d.insert(9, "fpc_fraction", d["stratum"].map(n_h / (n_h * 25)).map(repr))
    lonely = d["stratum"].copy()
    lonely[(d["stratum"] == "keynsham") & (d["cluster"] == "oa01")] = "keynsham-oa01"
    d.insert(10, "stratum_lonely", lonely)
    d.to_csv(HERE / "design_responses.csv.gz", index=False)
    population_margins(ethnicity=False).to_csv(HERE / "design_margins.csv", index=False)
    (HERE / "design_control.csv").write_text("epsilon,maxit\n1e-09,100\n")
    (HERE / "design_design.csv").write_text(
        "design,strata,cluster,fpc,lonely_psu\n"
        "clustered,stratum,cluster,fpc_clusters,fail\n"
        "stratified,stratum,,fpc_fraction,fail\n"
        "clusters_only,,cluster,,fail\n"
        "lonely_adjust,stratum_lonely,cluster,,adjust\n"
        "lonely_certainty,stratum_lonely,cluster,,certainty\n"
        "lonely_average,stratum_lonely,cluster,fpc_clusters,average\n"
    )


if __name__ == "__main__":
    main()
