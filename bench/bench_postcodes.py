"""Benchmark: reading the national postcode file (NSPL layout, ~2.7 million rows) for one
partnership's LSOAs, against a bare ``csv.reader`` pass over the same file (the floor).

    .venv/bin/python bench/bench_postcodes.py              # 2,700,000 rows
    .venv/bin/python bench/bench_postcodes.py --rows 500000

The file is generated once into a temporary folder with the real 35-column header, 1 in 300
rows in the partnership's 120 LSOAs and 1 in 7 terminated. Prints seconds for each pass, the
ratio, and the peak memory of the process (the target: under 60 s and 300 MB on two cores).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.areas.files import read_postcodes

HEADER = [
    "pcd", "pcd2", "pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m", "osgrdind",
    "oa21", "cty", "ced", "laua", "ward", "nhser", "ctry", "rgn", "pcon", "ttwa", "itl", "park",
    "lsoa21", "msoa21", "wz11", "sicbl", "bua24", "ruc21", "oac11", "lat", "long", "lep1", "lep2",
    "pfa", "imd", "icb",
]
OURS = [f"E0101{n:04d}" for n in range(120)]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code


def _write(path: Path, rows: int) -> None:
    rng = random.Random(2021)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(rows):
            ours = n % 300 == 0
            lsoa = OURS[n % 120] if ours else f"E0100{rng.randrange(10**4):04d}"
            k = n // 300 if ours else n  # each of ours a postcode of its own
            unit = INWARD[k % 20] + INWARD[k // 1980 % 20]
            postcode = f"{'SN' if ours else 'AB'}{k % 99 + 1} {k // 99 % 10}{unit}"
            writer.writerow([postcode.replace(" ", ""), postcode, postcode, "198001",
                             "202106" if n % 7 == 3 else "", "0", "412345", "164321", "1",
                             "E00162345", "E99999999", "E99999999", "E06000054", "E05008357",
                             "E40000006", "E92000001", "E12000009", "E14001234", "E30000123",
                             "E06000054", "E65000001", lsoa, "E02003012", "E33012345",
                             "E38000231", "E63012345", "UN1", "2B3", "51.4", "-1.7", "E37000037",
                             "", "E23000036", "20123", "E54000040"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_700_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nspl.csv"
        started = time.perf_counter()
        _write(path, rows)
        print(f"wrote {rows:,} rows ({path.stat().st_size / 2**20:,.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as stream:
            floor_rows = sum(1 for _ in csv.reader(stream))
        floor = time.perf_counter() - started
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8-sig") as stream:
            read = read_postcodes(stream, "nspl.csv", set(OURS))
        ours = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"csv.reader floor:  {floor:6.1f} s ({floor_rows - 1:,} rows)")
    print(f"read_postcodes:    {ours:6.1f} s (kept {len(read.postcodes):,}, terminated "
          f"{read.terminated:,}, outside {read.outside:,}); {ours / floor:.2f}x the floor")
    print(f"peak memory:       {peak:6.0f} MB")


if __name__ == "__main__":
    main()
