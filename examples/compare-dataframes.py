"""The same work in pandas or polars, for the README's comparison (not run by CI).

    cargo run --release --example bench -- --acquisitions 1000000 --write /tmp/bigcsv
    pip install pandas polars
    python3 examples/compare-dataframes.py pandas|polars /tmp/bigcsv/acquisitions.csv

Prints milliseconds to load the acquisitions table, group it by category and stage (sum of quantity),
sort it by value and search one column lower-cased, and the process's peak memory.
"""

import resource
import sys
import time


def timed(name, work):
    start = time.perf_counter()
    result = work()
    print(f"{name}: {(time.perf_counter() - start) * 1000:.0f} ms")
    return result


def main():
    library, path = sys.argv[1], sys.argv[2]
    if library == "pandas":
        import pandas as pd

        table = timed("load", lambda: pd.read_csv(path))
        timed("group", lambda: table.groupby(["category", "stage"])["quantity"].sum())
        timed("sort", lambda: table.sort_values("value", ascending=False))
        timed("search", lambda: table[table["system"].str.lower().str.contains("leopard")])
    else:
        import polars as pl

        table = timed("load", lambda: pl.read_csv(path, infer_schema_length=10000))
        timed("group", lambda: table.group_by(["category", "stage"]).agg(pl.col("quantity").sum()))
        timed("sort", lambda: table.sort("value", descending=True))
        timed("search", lambda: table.filter(pl.col("system").str.to_lowercase().str.contains("leopard")))
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
