"""weightipy's file to figures: pandas read_csv, rake (age, sex, neighbourhood), weighted NI 21 share
per neighbourhood (weightipy gives weights only: no standard errors)."""
import sys

import pandas as pd
import weightipy as wp

d = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, na_values=[""])
m = pd.read_csv(sys.argv[2])
scheme = {}
for var, s in m.groupby("variable"):
    d = d[d[var].isin(s.category)]
    scheme[var] = dict(zip(s.category, 100 * s.population / s.population.sum(), strict=True))
weighted = wp.weight_dataframe(d[list(scheme)].copy(), wp.scheme_from_dict(scheme))
w = pd.Series(weighted["weights"].to_numpy(), index=d.index)
q = d["police_council_dealing"]
base = q.notna() & (q != "dont_know")
pos = q.isin(["strongly_agree", "tend_to_agree"])
print((w * pos)[base].groupby(d["neighbourhood"][base]).sum()
      / w[base].groupby(d["neighbourhood"][base]).sum())
