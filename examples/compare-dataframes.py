"""The benchmark's work in pandas or polars, and the ratios of Pledge Explorer's figures to theirs, for the
README's table (not run by CI).

    cargo run --release --example bench -- --acquisitions 1000000 --write /tmp/bigcsv
    cargo run --release --example bench -- --acquisitions 1000000 > /tmp/bench.json
    pip install pandas polars
    python3 examples/compare-dataframes.py polars /tmp/bigcsv/acquisitions.csv /tmp/bench.json

Times, in milliseconds, loading the acquisitions table, grouping it by category and stage (sum of
quantity), sorting it by value and searching one column lower-cased, and the process's peak memory. Given
the benchmark's JSON of the same run (the same machine, one after the other), prints each of its figures
beside the library's, with the ratio and the issue's goal for it.
"""

import json
import resource
import sys
import time


def timed(figures, name, work, readings=1):
    """Times `work`; with several readings, the figure is their median (the benchmark takes the median
    of five of its aggregates, which a single reading of 15-25 ms left to chance)."""
    times = []
    for _ in range(readings):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    figures[name] = sorted(times)[len(times) // 2]
    print(f"{name}: {figures[name]:.0f} ms")
    return result


def measure(library, path):
    figures = {}
    if library == "pandas":
        import pandas as pd

        table = timed(figures, "load", lambda: pd.read_csv(path))
        timed(figures, "group", lambda: table.groupby(["category", "stage"])["quantity"].sum(), readings=5)
        timed(figures, "sort", lambda: table.sort_values("value", ascending=False))
        timed(figures, "search", lambda: table[table["system"].str.lower().str.contains("leopard")])
    else:
        import polars as pl

        table = timed(figures, "load", lambda: pl.read_csv(path, infer_schema_length=10000))
        timed(figures, "group", lambda: table.group_by(["category", "stage"]).agg(pl.col("quantity").sum()), readings=5)
        timed(figures, "sort", lambda: table.sort("value", descending=True))
        timed(figures, "search", lambda: table.filter(pl.col("system").str.to_lowercase().str.contains("leopard")))
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {figures['peak_mb']:.0f} MB")
    return figures


# (benchmark figure, library figure, the most the ratio may be): issue 20's goals, and the rest for the record.
COMPARED = [
    ("import_csv", "load", 1.0),
    ("load_json", "load", 1.2),
    ("aggregate", "group", 1.0),
    ("aggregate_again", "group", 1.0),
    ("sort", "sort", None),
    ("filter", "search", None),
    ("peak_rss_mb", "peak_mb", None),
]


def main():
    library, path = sys.argv[1], sys.argv[2]
    figures = measure(library, path)
    if len(sys.argv) < 4:
        return
    with open(sys.argv[3]) as file:
        bench = json.load(file)
    print(f"\nPledge Explorer / {library} ({bench.get('acquisitions')} acquisitions):")
    for ours, theirs, goal in COMPARED:
        if bench.get(ours) is None:
            continue
        # The goals are against polars.
        goal = goal if library == "polars" else None
        ratio = bench[ours] / figures[theirs]
        verdict = "" if goal is None else (f"  goal <= {goal}: " + ("met" if ratio <= goal else "NOT met"))
        print(f"  {ours} {bench[ours]:.0f} / {theirs} {figures[theirs]:.0f} = {ratio:.2f}{verdict}")
    if bench.get("save_json") is not None and library == "polars":
        verdict = "met" if bench["save_json"] <= 500 else "NOT met"
        print(f"  save_json {bench['save_json']:.0f} ms  goal <= 500 ms: {verdict}")


if __name__ == "__main__":
    main()
