"""svy's file to figures: read the CSV, rake (age, sex, neighbourhood), NI 21 by neighbourhood with SEs.

Rows whose weighting variables are not given are dropped (svy wants a target for every level).
"""
import sys

import polars as pl
import svy

path, mpath = sys.argv[1], sys.argv[2]
d = pl.read_csv(path, infer_schema=False,
                columns=["neighbourhood", "age_band", "sex", "police_council_dealing"])
q = pl.col("police_council_dealing")
d = d.with_columns(ni21=pl.when(q.is_null() | (q == "dont_know")).then(None)
                   .otherwise(q.is_in(["strongly_agree", "tend_to_agree"]).cast(pl.Int8)), w=pl.lit(1.0))
m = pl.read_csv(mpath, infer_schema=False)
controls = {}
for row in m.iter_rows(named=True):
    controls.setdefault(row["variable"], {})[row["category"]] = float(row["population"])
for var, cats in controls.items():
    d = d.filter(pl.col(var).is_in(list(cats)))
s = svy.Sample(d, svy.Design(wgt='w'))
s = s.weighting.rake(controls=controls)
print(s.estimation.prop("ni21", by="neighbourhood", drop_nulls=True))
