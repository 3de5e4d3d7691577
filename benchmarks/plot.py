#!/usr/bin/env python3
"""Draw PNG charts from the CSV files that `cart-journeys bench` writes.

Usage: /usr/bin/python3 benchmarks/plot.py RESULTS_DIR

Reads results.csv, cpu-by-task.csv and state-by-task.csv in RESULTS_DIR and writes
throughput.png, cpu-per-record.png, heap.png, latency.png, cpu-by-stage.png and
state-by-stage.png next to them. For each configuration it plots the run with the highest
throughput, as results.md does. When scaling.csv is there, it also writes
scaling-throughput.png (throughput against persons) and scaling-state.png (state bytes per
known person against persons). Any of the CSV files may be missing. Needs only matplotlib
(Debian: python3-matplotlib).
"""

import csv
import os
import sys
from collections import OrderedDict

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

MODE_COLOURS = {"read": "#9e9e9e", "decode": "#5b8ff9", "full": "#e8684a"}
# Stages in job-graph order, so that stacked bars read from source to sinks.
STAGE_ORDER = ["source", "event time", "ingest", "sanitize", "dedupe", "cep filter", "cep",
               "late carts", "identity emails", "link limits", "identity cookies",
               "identity devices", "owned filter", "decide", "orchestrate", "sinks"]
DPI = 90


def configuration(row):
    name = f"{row['mode']}/{row['backend']}/p{row['parallelism']}"
    rate = float(row.get("rate_limit") or 0)
    return f"{name}@{rate:.0f}/s" if rate > 0 else name


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def best_runs(rows):
    """Return the run with the highest records/s of each configuration, in first-seen order."""
    best = OrderedDict()
    for row in rows:
        key = configuration(row)
        if key not in best or float(row["records_per_s"]) > float(best[key]["records_per_s"]):
            best[key] = row
    return best


def bar_chart(best, column, title, xlabel, out, fmt="{:,.0f}"):
    names = list(best)
    values = [float(best[n][column]) for n in names]
    colours = [MODE_COLOURS.get(best[n]["mode"], "#666666") for n in names]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.2))
    bars = ax.barh(names, values, color=colours)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    for bar, value in zip(bars, values):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + fmt.format(value),
                va="center", fontsize=8)
    ax.set_xlim(0, max(values + [1]) * 1.18)
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)


def heap_chart(best, out):
    names = list(best)
    peak = [float(best[n]["peak_heap_mb"]) for n in names]
    after_gc = [float(best[n]["max_heap_after_gc_mb"]) for n in names]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.2))
    y = range(len(names))
    ax.barh([i - 0.2 for i in y], peak, height=0.4, label="peak heap used (100 ms samples)",
            color="#f6bd16")
    ax.barh([i + 0.2 for i in y], after_gc, height=0.4, label="max heap right after a GC",
            color="#5ad8a6")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlabel("MiB")
    ax.set_title("Heap")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)


def latency_chart(best, out):
    full = [n for n in best if best[n]["mode"] == "full" and float(best[n]["latency_p50_ms"]) >= 0]
    if not full:
        return False
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(full) + 1.4))
    width = 0.2
    for k, (column, label) in enumerate(
            [("latency_p50_ms", "p50"), ("latency_p90_ms", "p90"), ("latency_p99_ms", "p99"),
             ("latency_max_ms", "max")]):
        ax.barh([i + (k - 1.5) * width for i in range(len(full))],
                [float(best[n][column]) for n in full], height=width, label=label)
    ax.set_yticks(list(range(len(full))), full)
    ax.invert_yaxis()
    ax.set_xlabel("ms from the source passing the due time to the command at the sink")
    ax.set_title("Watermark-to-command latency")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)
    return True


def stacked_by_stage(best, rows, value_column, scale, xlabel, title, out):
    """Draw one stacked bar per full-job configuration, with one segment per stage (task)."""
    wanted = {(n, best[n]["run"]) for n in best if best[n]["mode"] == "full"}
    per_config = OrderedDict()
    stages = []
    for row in rows:
        key = (configuration(row), row["run"])
        if key not in wanted:
            continue
        per_config.setdefault(key[0], {})
        value = float(row[value_column]) / scale
        per_config[key[0]][row["stage"]] = per_config[key[0]].get(row["stage"], 0) + value
        if row["stage"] not in stages:
            stages.append(row["stage"])

    if not per_config:
        return False
    stages.sort(key=stage_position)
    names = list(per_config)
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(names) + 1.6))
    left = [0.0] * len(names)
    cmap = plt.get_cmap("tab20")
    for k, stage in enumerate(stages):
        values = [per_config[n].get(stage, 0) for n in names]
        ax.barh(names, values, left=left, label=stage, color=cmap(k % 20))
        left = [a + b for a, b in zip(left, values)]

    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)
    return True


def scaling_charts(rows, throughput_out, state_out):
    """Plot the generated-input scale runs against persons, one line per parallelism."""
    generated = [r for r in rows if r["input"] == "generated"]
    if not generated:
        return False
    by_parallelism = OrderedDict()
    for r in sorted(generated, key=lambda r: int(r["persons"])):
        by_parallelism.setdefault(r["parallelism"], []).append(r)

    fig, ax = plt.subplots(figsize=(7, 4))
    for p, runs in by_parallelism.items():
        persons = [int(r["persons"]) for r in runs]
        rates = [float(r["records_per_s"]) for r in runs]
        ax.plot(persons, rates, marker="o", label=f"heap state, parallelism {p}")
        for x, y in zip(persons, rates):
            ax.annotate(f"{y:,.0f}", (x, y), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7)
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("persons in the input (log scale)")
    ax.set_ylabel("input records per second")
    ax.set_title("Full job throughput against the number of persons")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(throughput_out, dpi=DPI)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    for p, runs in by_parallelism.items():
        persons = [int(r["persons"]) for r in runs]
        ax.plot(persons, [float(r["state_bytes_per_known_person"]) for r in runs], marker="o",
                label=f"all state, p{p}")
        ax.plot(persons, [float(r["person_state_bytes_per_known_person"]) for r in runs],
                marker="s", linestyle="--", label=f"state keyed by customer, p{p}")
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("persons in the input (log scale)")
    ax.set_ylabel("checkpoint bytes per known person")
    ax.set_title("State at the end of the input, per known person")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(state_out, dpi=DPI)
    plt.close(fig)
    return True


def stage_position(stage):
    """Position of a stage label such as "dedupe + cep filter" by its first stage."""
    first = stage.split(" + ")[0]
    return STAGE_ORDER.index(first) if first in STAGE_ORDER else len(STAGE_ORDER)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    directory = argv[1]
    rows = read_csv(os.path.join(directory, "results.csv"))
    scaling = read_csv(os.path.join(directory, "scaling.csv"))
    if not rows and not scaling:
        print(f"plot.py: no rows in {directory}/results.csv or scaling.csv", file=sys.stderr)
        return 1
    written = []

    def out(name):
        path = os.path.join(directory, name)
        written.append(name)
        return path

    if scaling and not scaling_charts(scaling, out("scaling-throughput.png"),
                                      out("scaling-state.png")):
        del written[-2:]
    if not rows:
        print("plot.py: wrote " + ", ".join(written))
        return 0
    best = best_runs(rows)

    bar_chart(best, "records_per_s", "Throughput (input records per second of processing)",
              "records/s", out("throughput.png"))
    bar_chart(best, "cpu_us_per_record", "Process CPU time per input record",
              "µs CPU / record (all threads, incl. GC and JIT)", out("cpu-per-record.png"),
              fmt="{:,.1f}")
    heap_chart(best, out("heap.png"))
    if not latency_chart(best, out("latency.png")):
        written.pop()
    cpu_rows = read_csv(os.path.join(directory, "cpu-by-task.csv"))
    if not stacked_by_stage(best, cpu_rows, "cpu_s", 1.0, "CPU seconds (Java task threads)",
                            "Where the full job spends CPU", out("cpu-by-stage.png")):
        written.pop()
    state_rows = read_csv(os.path.join(directory, "state-by-task.csv"))
    if not stacked_by_stage(best, state_rows, "state_bytes", 1024 * 1024,
                            "MiB in the largest checkpoint", "Checkpointed state by stage",
                            out("state-by-stage.png")):
        written.pop()
    print("plot.py: wrote " + ", ".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
