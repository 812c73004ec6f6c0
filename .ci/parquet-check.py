#!/usr/bin/env python3
"""pandas, polars and pyarrow read detente's results the way the CSV says (issue 12, part 5).

Usage: parquet-check.py RESULTS.csv RESULTS.parquet, both from one `detente explore` (same
scenario, seed and run count). Missing values must be nulls, not NaN, and yes/no columns
booleans, so that a median or a filter gives one answer whatever reads the file. The ground
truth is the CSV read with the standard library (an empty field is a missing value).
"""
import csv
import math
import statistics
import sys

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

MONTH = "ceasefire_month"
FLAGS = ["ceasefire", "ongoing"]

passed, failed = 0, 0


def check(what, got, want):
    global passed, failed
    same = got == want or (isinstance(got, float) and isinstance(want, float) and math.isclose(got, want))
    if same:
        passed += 1
    else:
        failed += 1
    print(f"{'ok  ' if same else 'FAIL'} {what}: {got!r}" + ("" if same else f" (want {want!r})"))


def truth(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    months = [float(r[MONTH]) for r in rows if r[MONTH] != ""]
    return {
        "rows": len(rows),
        "median": statistics.median(months),
        "over12": sum(m > 12 for m in months),
        "missing": len(rows) - len(months),
        "flags": {c: sum(r[c] == "1" for r in rows) for c in FLAGS},
    }


def main(csv_path, parquet_path):
    t = truth(csv_path)
    print(f"ground truth (CSV, standard library): {t}")

    table = pq.read_table(parquet_path)
    schema = table.schema
    check("pyarrow: ceasefire_month type", str(schema.field(MONTH).type), "double")
    check("pyarrow: ceasefire_month nullable", schema.field(MONTH).nullable, True)
    for c in FLAGS:
        check(f"pyarrow: {c} type", str(schema.field(c).type), "bool")
    nans = sum(
        pc.sum(pc.is_nan(table[f.name])).as_py() or 0
        for f in schema
        if pa.types.is_floating(f.type)
    )
    check("pyarrow: NaN values stored", nans, 0)
    check("pyarrow: null months", table[MONTH].null_count, t["missing"])

    readers = {
        "pandas/parquet": pd.read_parquet(parquet_path),
        "pandas/csv": pd.read_csv(csv_path),
    }
    for name, d in readers.items():
        check(f"{name}: rows", len(d), t["rows"])
        check(f"{name}: median {MONTH}", float(d[MONTH].median()), t["median"])
        check(f"{name}: {MONTH} > 12", int((d[MONTH] > 12).sum()), t["over12"])
        check(f"{name}: missing {MONTH}", int(d[MONTH].isna().sum()), t["missing"])
        for c in FLAGS:
            check(f"{name}: {c} true", int(d[c].astype(bool).sum()), t["flags"][c])

    for name, d in {
        "polars/parquet": pl.read_parquet(parquet_path),
        "polars/csv": pl.read_csv(csv_path),
    }.items():
        check(f"{name}: rows", d.height, t["rows"])
        check(f"{name}: median {MONTH}", float(d[MONTH].median()), t["median"])
        check(f"{name}: {MONTH} > 12", d.filter(pl.col(MONTH) > 12).height, t["over12"])
        check(f"{name}: missing {MONTH}", d[MONTH].null_count(), t["missing"])
        for c in FLAGS:
            check(f"{name}: {c} true", int(d[c].cast(pl.Boolean).sum()), t["flags"][c])

    print(f"parquet-check: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
