"""MLP 784-100-10 training speed: nnviz vs PyTorch vs numpy.

Every implementation trains the same network (sigmoid hidden layer, softmax +
mean cross-entropy, plain SGD lr 0.1) on the first 50k MNIST training images
in shuffled mini-batches, and reports training samples/s (forward + backward
+ update; data loading excluded). Each measurement is a fresh process:

    nnviz  build/bin/nnviz-bench mlp --batch B --threads T --seconds S --data DIR
    torch  bench/peers/mlp_torch.py  (same options)
    numpy  bench/peers/mlp_numpy.py  (same options)

Each prints one JSON line {"impl", "batch", "threads", "samples_per_s", "blas"}.
Within every repeat the implementations run back to back for each
(batch, threads) point, so slow drifts in machine load hit all of them; the
table shows the median over repeats. Processes get OPENBLAS_NUM_THREADS /
OMP_NUM_THREADS = T, OPENBLAS_CORETYPE=SkylakeX on AVX-512 CPUs (Debian 12's
OpenBLAS may not know newer cores) and no OPENBLAS_L2_SIZE.

Other processes distort the numbers, multi-threaded torch most of all (its
OpenMP pool stalls whenever a worker is descheduled). The CPU time used by
others during each run is recorded ("foreign_cpus" in --json) and rows where
it exceeded a quarter of a CPU are flagged "!"; --wait-idle S makes each
measurement first wait up to S seconds for the machine to go quiet.

Run from anywhere, with the Debian interpreter (it has python3-torch/numpy):
    /usr/bin/python3 bench/mlp_speed.py [--batches 1,10,32,128] [--threads 1,2]
        [--repeats 3] [--seconds 1.5] [--nnviz PATH] [--data DIR] [--json OUT]
        [--wait-idle S]
If the nnviz binary is missing it is skipped with a note.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR / "peers"))
import benchlib as bl  # noqa: E402

IMPLS = ("nnviz", "torch", "numpy")


def int_list(text):
    return [int(v) for v in text.split(",") if v.strip()]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batches", type=int_list, default=[1, 10, 32, 128])
    p.add_argument("--threads", type=int_list, default=[1, 2])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seconds", type=float, default=1.5, help="timed seconds per measurement")
    p.add_argument("--nnviz", default=str(bl.REPO_ROOT / "build" / "bin" / "nnviz-bench"),
                   help="nnviz benchmark binary (default: <repo>/build/bin/nnviz-bench)")
    p.add_argument("--data", default=None, help="MNIST IDX directory (default: NNVIZ_DATA or <repo>/data/mnist)")
    p.add_argument("--python", default=sys.executable, help="interpreter for the peers")
    p.add_argument("--impls", default=",".join(IMPLS), help="subset of nnviz,torch,numpy")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="S",
                   help="before each measurement wait up to S seconds for the CPUs to go idle")
    p.add_argument("--json", default=None, help="write raw and summary results to this file")
    return p.parse_args()


def command(impl, args, batch, threads):
    opts = ["--batch", str(batch), "--threads", str(threads),
            "--seconds", str(args.seconds), "--data", str(bl.data_dir(args.data))]
    if impl == "nnviz":
        return [args.nnviz, "mlp"] + opts
    return [args.python, str(BENCH_DIR / "peers" / f"mlp_{impl}.py")] + opts


def run_one(impl, args, batch, threads):
    """Run one measurement; returns the parsed JSON record or an error string."""
    return measure(command(impl, args, batch, threads), bl.bench_env(threads), 60 + 20 * args.seconds,
                   f"{impl} batch={batch} threads={threads}", args.wait_idle)


def measure(cmd, env, timeout, what, wait_idle=0):
    """Runs one measuring command; returns its last JSON line (which must hold "samples_per_s")
    as a dict, or an error string that starts with `what`.

    The record gets "foreign_cpus": how many CPUs other processes (or the
    hypervisor, as steal time) kept busy on average while it ran.
    """
    if wait_idle > 0:
        wait_until_idle(wait_idle)
    busy0, _ = cpu_times()
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{what}: {e}"
    wall = time.perf_counter() - start
    usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, _ = cpu_times()
    own = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)

    lines = [line for line in proc.stdout.splitlines() if line.strip().startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return f"{what}: exit {proc.returncode}: {tail}"
    try:
        record = json.loads(lines[-1])
        float(record["samples_per_s"])
    except (ValueError, KeyError, TypeError) as e:
        return f"{what}: bad output {lines[-1]!r}: {e}"
    record["foreign_cpus"] = round(max(0.0, (busy1 - busy0 - own) / wall), 2)
    return record


def backend(record):
    """The record's "blas" field, or its extra fields (e.g. "simd") if it has none. (nnviz's
    "kernels", which change with the batch, are listed per row instead.)"""
    extra = {k: v for k, v in record.items()
             if k not in ("impl", "batch", "threads", "samples_per_s", "repeat", "foreign_cpus", "kernels")}
    if "blas" in extra:
        return str(extra["blas"])
    return ", ".join(f"{k}={v}" for k, v in extra.items()) or "(not reported)"


def progress(text):
    """Status on stderr: one overwritten line on a terminal, plain lines otherwise."""
    if sys.stderr.isatty():
        print(f"\r\033[K{text}", end="" if text else "\n", file=sys.stderr, flush=True)
    elif text:
        print(text, file=sys.stderr, flush=True)


def cpu_times():
    """(busy, total) CPU seconds summed over all CPUs since boot, from /proc/stat.
    Busy includes steal time: a hypervisor running someone else also skews us."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]  # user .. steal
    except (OSError, ValueError):
        return 0.0, 0.0
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - fields[3] - fields[4]) / hz, sum(fields) / hz


def cpu_busy_fraction(interval=0.5):
    """Fraction of all CPUs busy over the next `interval` seconds."""
    busy0, total0 = cpu_times()
    time.sleep(interval)
    busy1, total1 = cpu_times()
    return (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0


def wait_until_idle(limit):
    """Wait up to `limit` seconds for the CPUs to be (nearly) idle."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and cpu_busy_fraction() > 0.1:
        pass


def fmt_rate(value):
    return f"{value:,.0f}" if value else "-"


def fmt_ratio(value):
    return f"{value:.2f}x" if value else "-"


def run_all(args, impls, points):
    """Run every measurement, interleaving implementations within each repeat."""
    return run_interleaved(args, impls, points, run_one, backend, ("batch", "threads"))


def run_interleaved(args, impls, points, run_one, backend, names):
    """Every (implementation, point) args.repeats times: within a repeat each point runs every
    implementation in turn, the order rotated each repeat so that none always runs first.
    `points` are tuples (their fields named by `names`), run_one(impl, args, *point) measures one.
    Returns samples {(impl,) + point: [samples/s]}, the raw records, the backends each
    implementation reported {impl: {backend: {threads}}}, and the error strings."""
    samples = {(i,) + p: [] for i in impls for p in points}
    raw, backends, errors = [], {}, []
    total, done = args.repeats * len(points) * len(impls), 0
    for rep in range(args.repeats):
        order = impls[rep % len(impls):] + impls[:rep % len(impls)]
        for point in points:
            for impl in order:
                done += 1
                where = " ".join(f"{n}={v}" for n, v in zip(names, point))
                progress(f"[{done}/{total}] repeat {rep + 1} {impl:8} {where}")
                try:
                    result = run_one(impl, args, *point)
                except KeyboardInterrupt:
                    progress("")
                    print("interrupted: reporting the measurements so far", file=sys.stderr)
                    return samples, raw, backends, errors
                if isinstance(result, str):
                    errors.append(result)
                    continue
                result["repeat"] = rep
                raw.append(result)
                samples[(impl,) + point].append(float(result["samples_per_s"]))
                threads = point[names.index("threads")]
                backends.setdefault(impl, {}).setdefault(backend(result), set()).add(threads)
    progress("")
    return samples, raw, backends, errors


NOISY_CPUS = 0.25  # foreign load above which a table row is flagged


def summarise(samples, raw, points):
    summary = []
    for batch, threads in points:
        foreign = [r["foreign_cpus"] for r in raw if r["batch"] == batch and r["threads"] == threads]
        row = {"batch": batch, "threads": threads, "max_foreign_cpus": max(foreign, default=0.0)}
        for impl in IMPLS:
            vals = samples.get((impl, batch, threads))
            row[impl] = statistics.median(vals) if vals else None
            row[impl + "_repeats"] = vals or []
        nnviz, torch = row["nnviz"], row["torch"]
        best_peer = max((row[p] for p in ("torch", "numpy") if row[p]), default=None)
        row["nnviz_over_torch"] = nnviz / torch if nnviz and torch else None
        row["nnviz_over_best_peer"] = nnviz / best_peer if nnviz and best_peer else None
        # Paired: within each repeat, nnviz against the best peer of that repeat (they ran back
        # to back, so a machine whose speed shifts between states, as a virtual machine's two
        # CPUs do, hits both alike); the median over the repeats.
        pairs = []
        for rep in sorted({r["repeat"] for r in raw}):
            got = {r["impl"]: r["samples_per_s"] for r in raw
                   if r["repeat"] == rep and r["batch"] == batch and r["threads"] == threads}
            peers = [got[p] for p in ("torch", "numpy") if got.get(p)]
            if got.get("nnviz") and peers:
                pairs.append(got["nnviz"] / max(peers))
        row["paired_nnviz_over_best_peer"] = statistics.median(pairs) if pairs else None
        row["nnviz_kernels"] = next((r["kernels"] for r in raw if r["impl"] == "nnviz" and r["batch"] == batch
                                     and r["threads"] == threads and "kernels" in r), None)
        summary.append(row)
    return summary


def print_report(args, summary, blas, coretype):
    avx512 = "yes" if bl.cpu_has("avx512f") else "no"
    print(f"CPU: {bl.cpu_model()} ({os.cpu_count()} logical CPUs, avx512f={avx512})")
    print(f"OPENBLAS_CORETYPE={coretype or '(unset)'}; "
          f"samples/s, median of {args.repeats} repeats of {args.seconds}s")
    header = (f"{'batch':>5} {'thr':>3} {'nnviz':>10} {'torch':>10} {'numpy':>10} "
              f"{'nnviz/torch':>12} {'nnviz/best':>11} {'paired':>7}")
    print(header)
    print("-" * len(header))
    for r in summary:
        flag = " !" if r["max_foreign_cpus"] > NOISY_CPUS else ""
        print(f"{r['batch']:>5} {r['threads']:>3} {fmt_rate(r['nnviz']):>10} {fmt_rate(r['torch']):>10} "
              f"{fmt_rate(r['numpy']):>10} {fmt_ratio(r['nnviz_over_torch']):>12} "
              f"{fmt_ratio(r['nnviz_over_best_peer']):>11} {fmt_ratio(r['paired_nnviz_over_best_peer']):>7}{flag}")
    print("  nnviz/best: the medians' ratio; paired: the median of each repeat's ratio")
    if any(r["max_foreign_cpus"] > NOISY_CPUS for r in summary):
        print(f"  ! other processes kept > {NOISY_CPUS} CPU busy during some runs of this row "
              "(unreliable; see foreign_cpus in --json, or use --wait-idle)")
    if any(r.get("nnviz_kernels") for r in summary):
        print("nnviz's kernels (each dense layer's forward product; shards: the batch split over threads):")
        for r in summary:
            if r.get("nnviz_kernels"):
                print(f"  batch {r['batch']:>3}, {r['threads']} thread(s): {r['nnviz_kernels']}")
    print("BLAS / backend loaded:")
    for impl, seen in blas.items():
        for name, threads in seen.items():
            print(f"  {impl:5} (threads {','.join(map(str, sorted(threads)))}): {name}")


def main():
    args = parse_args()
    impls = [i for i in args.impls.split(",") if i in IMPLS]
    if "nnviz" in impls and not (os.path.isfile(args.nnviz) and os.access(args.nnviz, os.X_OK)):
        print(f"note: nnviz benchmark binary not found at {args.nnviz}; skipping nnviz "
              "(build it, or pass --nnviz PATH)", file=sys.stderr)
        impls.remove("nnviz")
    if not impls:
        print("nothing to run", file=sys.stderr)
        return 1

    busy = cpu_busy_fraction()
    if busy > 0.1:
        print(f"warning: CPUs already {busy:.0%} busy before starting; other processes will skew "
              "the results (multi-threaded runs most of all)", file=sys.stderr)

    points = [(b, t) for b in args.batches for t in args.threads]
    samples, raw, blas, errors = run_all(args, impls, points)
    summary = summarise(samples, raw, points)
    coretype = bl.bench_env(1).get("OPENBLAS_CORETYPE")
    print_report(args, summary, blas, coretype)
    for err in errors:
        print(f"error: {err}", file=sys.stderr)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": bl.cpu_model(), "logical_cpus": os.cpu_count(),
                       "cpu_busy_before": round(busy, 3), "openblas_coretype": coretype,
                       "seconds": args.seconds, "repeats": args.repeats,
                       "summary": summary, "runs": raw, "errors": errors}, f, indent=2)
        print(f"raw results written to {args.json}")
    return 1 if errors and not raw else 0


if __name__ == "__main__":
    sys.exit(main())
