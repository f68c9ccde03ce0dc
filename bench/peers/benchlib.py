"""Shared helpers for the MLP speed-benchmark peers (bench/peers/mlp_*.py).

Nothing here imports numpy or torch at module level: the peers must be able
to fix the BLAS environment (thread counts, OpenBLAS core type) *before* the
numerical libraries are loaded.

The benchmark definition lives here so both peers agree on it: MLP 784-100-10,
sigmoid hidden layer, softmax + mean cross-entropy, plain SGD with lr 0.1,
trained on the first 50,000 MNIST training images, normalised by their global
mean and std, in shuffled mini-batches.
"""

import argparse
import os
import re
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT / "data" / "mnist"

N_TRAIN = 50_000
N_IN, N_HIDDEN, N_OUT = 784, 100, 10
LEARNING_RATE = 0.1
WARMUP_SECONDS = 0.3


def data_dir(cli_value=None):
    """--data beats NNVIZ_DATA beats <repo>/data/mnist."""
    return Path(cli_value or os.environ.get("NNVIZ_DATA") or DEFAULT_DATA)


def cpu_has(flag):
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return flag in line.split()
    except OSError:
        pass
    return False


def cpu_model():
    """The CPU's model name, with its family and model numbers and, for AMD's, the core generation
    they mean (a virtual machine often names only "AMD EPYC")."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break  # the first CPU is enough
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    except OSError:
        return "unknown"
    name = fields.get("model name", "unknown")
    try:
        family, model = int(fields["cpu family"]), int(fields["model"])
    except (KeyError, ValueError):
        return name
    core = ""
    if fields.get("vendor_id") == "AuthenticAMD":
        if family == 0x1A:
            core = "Zen 5"
        elif family == 0x19:
            core = "Zen 4" if 0x10 <= model <= 0x1F or 0x60 <= model <= 0xAF else "Zen 3"
        elif family == 0x17:
            core = "Zen 2" if model >= 0x30 else "Zen/Zen+"
    return f"{name} (family {family}, model {model}{', ' + core if core else ''})"


def bench_env(threads):
    """Environment for one benchmark process running with `threads` threads.

    Debian 12's OpenBLAS (0.3.21) predates some AVX-512 CPUs and may fall back
    to slower kernels on them, so the core type is pinned to SkylakeX whenever
    the CPU has AVX-512F (this also overrides a slower inherited setting).
    OPENBLAS_L2_SIZE is dropped so the kernels' own cache tuning applies.
    """
    env = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    if cpu_has("avx512f"):
        env["OPENBLAS_CORETYPE"] = "SkylakeX"
    env.pop("OPENBLAS_L2_SIZE", None)
    return env


def parse_args(impl, add_arguments=None):
    """Common peer CLI; add_arguments(parser) may add peer-specific options."""
    p = argparse.ArgumentParser(description=f"MLP 784-100-10 training speed, {impl} peer")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=1.5, help="length of the timed run")
    p.add_argument("--data", default=None, help="MNIST IDX directory (default: NNVIZ_DATA or <repo>/data/mnist)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--check", action="store_true",
                   help="after the timed run, print test accuracy to stderr (sanity check)")
    if add_arguments:
        add_arguments(p)
    args = p.parse_args()
    if not 1 <= args.batch <= N_TRAIN or args.threads < 1 or args.seconds <= 0:
        p.error(f"need 1 <= --batch <= {N_TRAIN}, --threads >= 1, --seconds > 0")
    return args


def setup_process(threads):
    """Apply bench_env() to this process; call before importing numpy/torch."""
    env = bench_env(threads)
    for name in set(os.environ) - set(env):
        del os.environ[name]
    os.environ.update(env)


def _read_idx(path, np):
    """Read an IDX file (raw, or with .gz appended if only that exists)."""
    if not path.exists() and path.with_name(path.name + ".gz").exists():
        import gzip

        raw = gzip.decompress(path.with_name(path.name + ".gz").read_bytes())
    else:
        raw = path.read_bytes()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(directory):
    """Return (train_x, train_y, test_x, test_y): float32 images (N, 784)
    normalised by the mean/std of the first 50k training images, int64 labels."""
    import numpy as np

    d = Path(directory)
    x = _read_idx(d / "train-images-idx3-ubyte", np)[:N_TRAIN].reshape(N_TRAIN, -1)
    y = _read_idx(d / "train-labels-idx1-ubyte", np)[:N_TRAIN]
    tx = _read_idx(d / "t10k-images-idx3-ubyte", np).reshape(-1, N_IN)
    ty = _read_idx(d / "t10k-labels-idx1-ubyte", np)
    x = x.astype(np.float32)
    mean, std = float(x.mean(dtype=np.float64)), float(x.std(dtype=np.float64))
    x -= mean
    x /= std
    tx = (tx.astype(np.float32) - mean) / std
    return x, y.astype(np.int64), tx.astype(np.float32), ty.astype(np.int64)


def shuffled(x, y, seed):
    """Pre-shuffle once so that mini-batch i is simply rows [i*B, (i+1)*B)."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(len(x))
    return np.ascontiguousarray(x[order]), np.ascontiguousarray(y[order])


def measure(step, batches, batch_size, seconds):
    """Samples/s of step(batch) over `batches` (cycled), after a short warm-up.

    The warm-up also estimates the step rate, so the timed loop can run a
    fixed number of steps without reading the clock inside the loop.
    """
    n = len(batches)
    i = 0
    steps = 0
    t0 = time.perf_counter()
    while steps < 3 or time.perf_counter() - t0 < WARMUP_SECONDS:
        step(batches[i])
        i = (i + 1) % n
        steps += 1
    rate = steps / (time.perf_counter() - t0)

    timed_steps = max(1, int(rate * seconds))
    t0 = time.perf_counter()
    for _ in range(timed_steps):
        step(batches[i])
        i += 1
        if i == n:
            i = 0
    elapsed = time.perf_counter() - t0
    return timed_steps * batch_size / elapsed


def loaded_libraries(pattern=r"blas|mkl"):
    """Shared objects matching `pattern` mapped into this process."""
    found = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and re.search(pattern, os.path.basename(parts[5])):
                if parts[5] not in found:
                    found.append(parts[5])
    return found


def describe_blas():
    """Which BLAS this process actually loaded, e.g.
    'OpenBLAS 0.3.21 core=SkylakeX threads=1 [openblas-pthread/libopenblasp-r0.3.21.so]'."""
    import ctypes

    libs = loaded_libraries()
    openblas = [p for p in libs if "libopenblas" in os.path.basename(p)]
    short = [os.path.join(os.path.basename(os.path.dirname(p)), os.path.basename(p)) for p in libs]
    if openblas:
        try:
            lib = ctypes.CDLL(openblas[0])
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            version = lib.openblas_get_config().decode().split()[1]
            core = lib.openblas_get_corename().decode()
            threads = lib.openblas_get_num_threads()
            return f"OpenBLAS {version} core={core} threads={threads} [{', '.join(short)}]"
        except (OSError, AttributeError, IndexError):
            pass
    if any("mkl" in p for p in libs):
        return f"MKL [{', '.join(short)}]"
    if libs:
        return f"reference/other BLAS [{', '.join(short)}]"
    return "no BLAS library mapped"


def report(impl, args, samples_per_s, blas):
    import json

    print(json.dumps({"impl": impl, "batch": args.batch, "threads": args.threads,
                      "samples_per_s": round(samples_per_s, 1), "blas": blas},
                     separators=(",", ":")), flush=True)
