"""The design fixture raked as R does, as the three designs of make_models.R."""

from __future__ import annotations

from analysis.designs import sample_design
from analysis.weighting import rake_weights
from tests.analysis.conftest import reference_case


def model_designs():
    """(responses, {"simple", "clustered", "stratified": design}) of make_models.R."""
    d, m, _ref, _gap, _w, control = reference_case("design")
    r = rake_weights(d, m, **control)
    return d, {"simple": r,
               "clustered": sample_design(r, d, "stratum", "cluster", "fpc_clusters"),
               "stratified": sample_design(r, d, "stratum", None, "fpc_fraction")}
