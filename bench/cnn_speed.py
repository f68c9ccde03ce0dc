"""Conv-net training speed: nnviz vs PyTorch CPU, presets cnn8 and cnn8-16.

Both train the same networks (bench/peers/cnn_torch.py lists them) with plain
SGD lr 0.01 and softmax + mean cross-entropy on the first 50k MNIST training
images in shuffled mini-batches, and report training samples/s (forward +
backward + update; data loading excluded). Each measurement is a fresh process:

    nnviz     build/bin/nnviz-bench cnn --preset P --batch B --threads T --seconds S --data DIR
    torch     bench/peers/cnn_torch.py  (same options): NCHW tensors, oneDNN convolutions
    torch-cl  the same with --channels-last (NHWC), often PyTorch's faster layout on CPU

Within every repeat all implementations run back to back for each (preset,
batch, threads) point, in an order rotated from repeat to repeat; the table
shows medians over repeats. Processes get OPENBLAS_NUM_THREADS /
OMP_NUM_THREADS = T and OPENBLAS_CORETYPE=SkylakeX on AVX-512 CPUs, as in
mlp_speed.py, and OMP_WAIT_POLICY=passive (both sides use OpenMP threads; with
the default spinning, a busy machine made 2-thread runs of either up to 10x
slower; --omp-wait-policy default restores it). "best torch" is the faster
PyTorch layout at that point; the
summary compares each side's best setup (layout and thread count) per preset
and batch, which is what the 2x target is about.

Run with the Debian interpreter (it has python3-torch):
    /usr/bin/python3 bench/cnn_speed.py [--presets cnn8,cnn8-16] [--batches 32,128]
        [--threads 1,2] [--repeats 3] [--seconds 1.5] [--nnviz PATH] [--data DIR]
        [--impls nnviz,torch,torch-cl] [--json OUT] [--wait-idle S]
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR / "peers"))
sys.path.insert(0, str(BENCH_DIR))
import benchlib as bl  # noqa: E402
from mlp_speed import NOISY_CPUS, cpu_busy_fraction, fmt_rate, fmt_ratio, measure, run_interleaved  # noqa: E402

IMPLS = ("nnviz", "torch", "torch-cl")
TORCH = ("torch", "torch-cl")


def str_list(text):
    return [v.strip() for v in text.split(",") if v.strip()]


def int_list(text):
    return [int(v) for v in str_list(text)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--presets", type=str_list, default=["cnn8", "cnn8-16"])
    p.add_argument("--batches", type=int_list, default=[32, 128])
    p.add_argument("--threads", type=int_list, default=[1, 2])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seconds", type=float, default=1.5, help="timed seconds per measurement")
    p.add_argument("--nnviz", default=str(bl.REPO_ROOT / "build" / "bin" / "nnviz-bench"))
    p.add_argument("--data", default=None, help="MNIST IDX directory (default: NNVIZ_DATA or <repo>/data/mnist)")
    p.add_argument("--python", default=sys.executable, help="interpreter for the PyTorch peer")
    p.add_argument("--impls", type=str_list, default=list(IMPLS), help="subset of " + ",".join(IMPLS))
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="S",
                   help="before each measurement wait up to S seconds for the CPUs to go idle")
    p.add_argument("--omp-wait-policy", default="passive", choices=["passive", "active", "default"],
                   help="OMP_WAIT_POLICY for every process (default passive; 'default' leaves it unset)")
    p.add_argument("--json", default=None, help="write raw and summary results to this file")
    return p.parse_args()


def env_for(args, threads):
    env = bl.bench_env(threads)
    env.pop("OMP_WAIT_POLICY", None)
    if args.omp_wait_policy != "default":
        env["OMP_WAIT_POLICY"] = args.omp_wait_policy
    return env


def command(impl, args, preset, batch, threads):
    opts = ["--preset", preset, "--batch", str(batch), "--threads", str(threads),
            "--seconds", str(args.seconds), "--data", str(bl.data_dir(args.data))]
    if impl == "nnviz":
        return [args.nnviz, "cnn"] + opts
    extra = ["--channels-last"] if impl == "torch-cl" else []
    return [args.python, str(BENCH_DIR / "peers" / "cnn_torch.py")] + opts + extra


def run_one(impl, args, preset, batch, threads):
    """One measurement: the parsed JSON record (plus "impl" and "foreign_cpus") or an error string."""
    record = measure(command(impl, args, preset, batch, threads), env_for(args, threads), 90 + 20 * args.seconds,
                     f"{impl} {preset} batch={batch} threads={threads}", args.wait_idle)
    if isinstance(record, dict):
        record["impl"] = impl
    return record


def backend(record):
    if "blas" in record:
        return str(record["blas"])
    return f"simd={record.get('simd', '?')}"


def run_all(args, impls, points):
    return run_interleaved(args, impls, points, run_one, backend, ("preset", "batch", "threads"))


def median(vals):
    return statistics.median(vals) if vals else None


def summarise(samples, raw, points, impls):
    rows = []
    for preset, batch, threads in points:
        foreign = [r["foreign_cpus"] for r in raw
                   if r.get("preset") == preset and r["batch"] == batch and r["threads"] == threads]
        row = {"preset": preset, "batch": batch, "threads": threads, "max_foreign_cpus": max(foreign, default=0.0)}
        for impl in IMPLS:
            vals = samples.get((impl, preset, batch, threads), [])
            row[impl] = median(vals)
            row[impl + "_repeats"] = vals
        best_torch = max((row[t] for t in TORCH if row.get(t)), default=None)
        row["best_torch"] = best_torch
        row["nnviz_over_best_torch"] = row["nnviz"] / best_torch if row["nnviz"] and best_torch else None
        rows.append(row)
    # Best setup against best setup: over thread counts (and, for PyTorch, layouts).
    best = []
    for preset in dict.fromkeys(p for p, _, _ in points):
        for batch in dict.fromkeys(b for p, b, _ in points if p == preset):
            mine = [r for r in rows if r["preset"] == preset and r["batch"] == batch]
            nn = max(mine, key=lambda r: r["nnviz"] or 0)
            tb = max(mine, key=lambda r: r["best_torch"] or 0)
            torch_layout = max(TORCH, key=lambda t: tb.get(t) or 0)
            ratio = nn["nnviz"] / tb["best_torch"] if nn["nnviz"] and tb["best_torch"] else None
            best.append({"preset": preset, "batch": batch, "nnviz": nn["nnviz"], "nnviz_threads": nn["threads"],
                         "torch": tb["best_torch"], "torch_threads": tb["threads"], "torch_layout": torch_layout,
                         "ratio": ratio})
    return rows, best


def print_report(args, rows, best, backends):
    avx512 = "yes" if bl.cpu_has("avx512f") else "no"
    coretype = bl.bench_env(1).get("OPENBLAS_CORETYPE")
    print(f"CPU: {bl.cpu_model()} ({os.cpu_count()} logical CPUs, avx512f={avx512})")
    print(f"OPENBLAS_CORETYPE={coretype or '(unset)'}, OMP_WAIT_POLICY={args.omp_wait_policy}; training "
          f"samples/s, median of {args.repeats} interleaved repeats of {args.seconds}s")
    header = (f"{'preset':7} {'batch':>5} {'thr':>3} {'nnviz':>9} {'torch':>9} {'torch-cl':>9} "
              f"{'nnviz/best torch':>17}")
    print(header)
    print("-" * len(header))
    for r in rows:
        flag = " !" if r["max_foreign_cpus"] > NOISY_CPUS else ""
        print(f"{r['preset']:7} {r['batch']:>5} {r['threads']:>3} {fmt_rate(r['nnviz']):>9} {fmt_rate(r['torch']):>9} "
              f"{fmt_rate(r['torch-cl']):>9} {fmt_ratio(r['nnviz_over_best_torch']):>17}{flag}")
    if any(r["max_foreign_cpus"] > NOISY_CPUS for r in rows):
        print(f"  ! other processes kept > {NOISY_CPUS} CPU busy during some runs of this row "
              "(see foreign_cpus in --json, or use --wait-idle)")
    print()
    print("best setup against best setup (each side's fastest thread count; PyTorch's faster layout):")
    for b in best:
        print(f"  {b['preset']:7} batch {b['batch']:>3}: nnviz {fmt_rate(b['nnviz'])} ({b['nnviz_threads']} thr), "
              f"PyTorch {fmt_rate(b['torch'])} ({b['torch_threads']} thr, {b['torch_layout']}): "
              f"{fmt_ratio(b['ratio'])}")
    print("backends:")
    for impl, seen in backends.items():
        for name, threads in seen.items():
            print(f"  {impl:8} (threads {','.join(map(str, sorted(threads)))}): {name}")


def main():
    args = parse_args()
    impls = [i for i in args.impls if i in IMPLS]
    if "nnviz" in impls and not (os.path.isfile(args.nnviz) and os.access(args.nnviz, os.X_OK)):
        print(f"note: nnviz benchmark binary not found at {args.nnviz}; skipping nnviz", file=sys.stderr)
        impls.remove("nnviz")
    if not impls:
        print("nothing to run", file=sys.stderr)
        return 1
    busy = cpu_busy_fraction()
    if busy > 0.1:
        print(f"warning: CPUs already {busy:.0%} busy before starting; other processes will skew the results",
              file=sys.stderr)
    points = [(p, b, t) for p in args.presets for b in args.batches for t in args.threads]
    samples, raw, backends, errors = run_all(args, impls, points)
    rows, best = summarise(samples, raw, points, impls)
    print_report(args, rows, best, backends)
    for err in errors:
        print(f"error: {err}", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": bl.cpu_model(), "logical_cpus": os.cpu_count(), "cpu_busy_before": round(busy, 3),
                       "seconds": args.seconds, "repeats": args.repeats, "summary": rows, "best": best,
                       "runs": raw, "errors": errors}, f, indent=2)
        print(f"raw results written to {args.json}")
    return 1 if errors and not raw else 0


if __name__ == "__main__":
    sys.exit(main())
