"""Time full-batch training epochs of nnlib's two trainers against PyTorch, scikit-learn and the floor.

    python benchmarks/bench_train.py [--threads 2] [--rounds 7] [--quick] [--csv FILE]

(``make bench`` installs the optional extras and runs this.) For every case
it times, interleaved round by round:

- nnlib: ``nnlib.train``, the textbook loop, full batch;
- fast: ``nnlib.fast.train``, the same training from the speed engine;
- torch: the same network and algorithm in PyTorch on the CPU, from the same
  initial weights (see ``nnlib.fast.timing.torch_epochs`` for exactly what it does);
- sklearn: ``MLPClassifier(activation="logistic", solver="sgd",
  batch_size=m, momentum=0, alpha=0, shuffle=False)``, its own
  initialisation, ``fit`` for a few epochs;
- floor: only the matrix products of one epoch, with numpy on the same shapes.

and prints the median seconds per epoch and the ratios, then writes every
row to a CSV file. Then, on the largest case, it times the road from one
trainer to the other (``nnlib.fast.timing.road_to_fast``): every step, interleaved
in one run, with its gain over the step before. PyTorch and scikit-learn are optional
(``pip install -e .[bench]``) and skipped with a message when absent. Before
timing, it checks that torch and nnlib follow the same path: their costs over
the first epochs must agree. Last, it measures both trainers' peak memory
for one epoch against the size of the activations the caches keep.
"""

import argparse
import csv
import itertools
import os
import platform
import sys
import tracemalloc

import numpy as np

import nnlib
from nnlib import fast, load_breast_cancer, make_moons, standardize, train, train_test_split
from nnlib.fast.timing import (
    floor_epochs,
    interleave,
    nnlib_epochs,
    road_to_fast,
    sklearn_epochs,
    synthetic_data,
    torch_epochs,
)

TRAINERS = {"train": train, "fast": fast.train}

BIG_DIMS = [100, 256, 128, 1]


def cases(quick: bool):
    """(name, X, Y, layer_dims, lr, dtypes): the course's data, the big case and a sweep of m."""
    X, Y, _ = load_breast_cancer()
    X_train, _, Y_train, _ = train_test_split(X, Y, seed=0)
    X_train, _ = standardize(X_train, X_train)
    yield "breast cancer", X_train, Y_train, [30, 8, 1], 0.5, (np.float64, np.float32)
    X_moons, Y_moons = make_moons(m=400, noise=0.15, seed=0)
    yield "moons", X_moons, Y_moons, [2, 8, 1], 5.0, (np.float64,)
    if quick:
        sizes, big = (1000, 2000, 5000), 5000
    else:
        sizes, big = (1000, 2000, 5000, 10000, 50000), 20000
    X, Y = synthetic_data(big, BIG_DIMS[0])
    yield f"synthetic {big} x 100", X, Y, BIG_DIMS, 0.1, (np.float64, np.float32)
    for m in sizes:
        X, Y = synthetic_data(m, BIG_DIMS[0])
        yield f"sweep m={m}", X, Y, BIG_DIMS, 0.1, (np.float64, np.float32)


def epochs_per_sample(X, layer_dims):
    """Enough epochs per timed sample that one sample lasts roughly 0.05 s or more.

    An epoch's products take about 2.6 times the forward pass's multiply-adds
    (``work``), and a multiply-add takes some 0.04 ns on two cores in float64
    (more on a small batch, about half in float32): 2e9 forward multiply-adds
    last about 0.2 s in float64, 0.1 s in float32. A trainer's call also does things once
    (checking the data, drawing the start, allocating its buffers); over
    several epochs they fade from the time per epoch, as they do in a real
    training run of hundreds of epochs.
    """
    work = X.shape[1] * sum(a * b for a, b in zip(layer_dims, layer_dims[1:]))
    return int(np.clip(2e9 / work, 1, 500))


def same_path(X, Y, layer_dims, lr, dtype):
    """Largest relative gap between torch's costs over 5 epochs and each nnlib trainer's (None without torch)."""
    run = torch_epochs(X, Y, layer_dims, lr, dtype)
    if run is None:
        return None
    torch_costs = []
    run(5, torch_costs)
    gaps = []
    for trainer in TRAINERS.values():
        _, nnlib_costs = trainer(X, Y, layer_dims, 5, lr, dtype=dtype)
        gaps.append(np.max(np.abs(np.subtract(torch_costs, nnlib_costs)) / np.abs(nnlib_costs)))
    return float(max(gaps))


def road(X, Y, layer_dims, lr, rounds, k, dtype=np.float64):
    """Time every step from train to fast.train and the floor, interleaved; print and return rows."""
    runners = {name: nnlib_epochs(X, Y, layer_dims, lr, dtype, trainer=trainer)
               for name, trainer in road_to_fast().items()}
    runners["floor"] = floor_epochs(layer_dims, X.shape[1], dtype)
    times = interleave(runners, rounds, k)
    med = {name: float(np.median(t)) for name, t in times.items()}
    print(f"\nThe road from train to fast.train, m={X.shape[1]} {layer_dims} "
          f"{np.dtype(dtype).name} (medians of one interleaved run)")
    print(f"{'step':14s} {'median ms':>10s} {'gain':>6s} {'x floor':>8s}")
    rows, previous = [], None
    for name, t in med.items():
        if name == "floor":
            continue
        gain = "" if previous is None else f"{previous / t:6.2f}"
        print(f"{name:14s} {t * 1e3:10.2f} {gain:>6s} {t / med['floor']:8.2f}")
        rows.append({"case": f"road m={X.shape[1]}", "m": X.shape[1],
                     "layer_dims": str(layer_dims), "dtype": np.dtype(dtype).name,
                     "impl": f"road: {name}", "median_s": t, "min_s": float(np.min(times[name])),
                     "max_s": float(np.max(times[name])), "samples": len(times[name]),
                     "epochs_per_sample": k, "x_floor": t / med["floor"], "x_torch": "",
                     "torch_cost_gap": ""})
        previous = t
    print(f"{'floor':14s} {med['floor'] * 1e3:10.2f}")
    return rows


def peak_memory(X, Y, layer_dims, lr, dtype=np.float64, batch_size=None, trainer=train):
    """nnlib's peak traced memory in one epoch, and the size of the caches it must keep.

    Returns (peak bytes, bytes of Z[l] and A[l] for l = 1..L over the examples
    of one step). X itself is the caller's and is not counted in either;
    a float32 copy of a float64 X would be.
    """
    m = X.shape[1] if batch_size is None else min(batch_size, X.shape[1])
    itemsize = np.dtype(dtype).itemsize
    caches = 2 * sum(layer_dims[1:]) * m * itemsize
    trainer(X, Y, layer_dims, 1, lr, dtype=dtype, batch_size=batch_size)  # warm-up
    tracemalloc.start()
    try:
        trainer(X, Y, layer_dims, 2, lr, dtype=dtype, batch_size=batch_size)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, caches


def cpu_model() -> str:
    """The processor's name and its widest vector instructions, from /proc/cpuinfo where there is one."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    name = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    simd = [f for f in ("avx512f", "avx2") if f in flags]
    return f"{name} ({simd[0] if simd else 'no avx2'})"


def blas_kernels() -> str:
    """Each BLAS library loaded, with the kernels it chose for this processor (threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return "; ".join(
        f"{lib.get('internal_api')} {lib.get('version')} ({lib.get('architecture') or '?'}) "
        f"for {os.path.basename(lib.get('filepath', ''))}"
        for lib in threadpool_info() if lib.get("user_api") == "blas"
    )


def set_threads(n):
    """Limit BLAS (numpy, torch) and torch's own threads to n; returns a description."""
    done = []
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(n)
        done.append("threadpoolctl")
    except ImportError:
        print(f"threadpoolctl not installed: set OMP_NUM_THREADS={n} and "
              f"OPENBLAS_NUM_THREADS={n} before running for the same effect")
    try:
        import torch
        torch.set_num_threads(n)
        done.append("torch.set_num_threads")
    except ImportError:
        pass
    return ", ".join(done)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=7, help="timed samples per implementation")
    parser.add_argument("--quick", action="store_true", help="small sizes only (about a minute)")
    parser.add_argument("--csv", default="_build/bench/bench_train.csv")
    parser.add_argument("--no-sklearn", action="store_true")
    args = parser.parse_args(argv)

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(args.threads))
    how = set_threads(args.threads)
    versions = [f"python {platform.python_version()}", f"numpy {np.__version__}",
                f"nnlib {nnlib.__version__}"]
    for module in ("torch", "sklearn"):
        try:
            versions.append(f"{module} {__import__(module).__version__}")
        except ImportError:
            print(f"{module} is not installed: its columns are skipped "
                  f"(pip install -e .[bench])")
    print(f"{cpu_model()}, {os.cpu_count()} cores; "
          f"{args.threads} threads ({how}); " + ", ".join(versions))
    print("BLAS: " + blas_kernels())

    rows = []
    for name, X, Y, dims, lr, dtypes in cases(args.quick):
        m = X.shape[1]
        k = epochs_per_sample(X, dims)
        for dtype in dtypes:
            dtype_name = np.dtype(dtype).name
            runners = {name: nnlib_epochs(X, Y, dims, lr, dtype, trainer=trainer)
                       for name, trainer in TRAINERS.items()}
            torch_run = torch_epochs(X, Y, dims, lr, dtype)
            if torch_run is not None:
                runners["torch"] = torch_run
            if not args.no_sklearn and (dtype == np.float64 or not name.startswith("sweep")):
                sk = sklearn_epochs(X, Y, dims, lr, dtype)
                if sk is not None:
                    runners["sklearn"] = sk
            runners["floor"] = floor_epochs(dims, m, dtype)
            gap = same_path(X, Y, dims, lr, dtype)
            times = interleave(runners, args.rounds, k)
            med = {impl: float(np.median(t)) for impl, t in times.items()}
            for impl, t in times.items():
                rows.append({
                    "case": name, "m": m, "layer_dims": str(dims), "dtype": dtype_name,
                    "impl": impl, "median_s": med[impl], "min_s": float(np.min(t)),
                    "max_s": float(np.max(t)), "samples": len(t), "epochs_per_sample": k,
                    "x_floor": med[impl] / med["floor"],
                    "x_torch": med[impl] / med["torch"] if "torch" in med else "",
                    "torch_cost_gap": "" if gap is None else gap,
                })
            shown = "  ".join(f"{impl} {med[impl] * 1e3:8.2f} ms" for impl in med)
            ratios = "  ".join(f"{impl}/floor {med[impl] / med['floor']:5.2f}" for impl in TRAINERS)
            if "torch" in med:
                ratios += "  " + "  ".join(
                    f"{impl}/torch {med[impl] / med['torch']:5.2f}" for impl in TRAINERS)
            print(f"{name:24s} {dtype_name:8s} {shown}   {ratios}", flush=True)

    print("\nMedian seconds per epoch (ratios of medians)")
    header = (f"{'case':24s} {'dtype':8s} {'impl':8s} {'median ms':>10s} {'min ms':>9s} "
              f"{'x floor':>8s} {'x torch':>8s}")
    print(header)
    print("-" * len(header))
    for r in rows:
        x_torch = f"{r['x_torch']:8.2f}" if r["x_torch"] != "" else f"{'':8s}"
        print(f"{r['case']:24s} {r['dtype']:8s} {r['impl']:8s} {r['median_s'] * 1e3:10.2f} "
              f"{r['min_s'] * 1e3:9.2f} {r['x_floor']:8.2f} {x_torch}")
    X_big, Y_big = synthetic_data(5000 if args.quick else 20000, BIG_DIMS[0])
    rows += road(X_big, Y_big, BIG_DIMS, 0.1, args.rounds, epochs_per_sample(X_big, BIG_DIMS))

    gaps = [r["torch_cost_gap"] for r in rows if r["impl"] == "torch" and r["torch_cost_gap"] != ""]
    if gaps:
        print(f"\ntorch's costs over the first 5 epochs and both trainers' agree to a relative "
              f"{max(gaps):.1e} or better (float32 cases included)")

    print("\nPeak memory of one epoch (tracemalloc) against the caches Z and A of every layer")
    X_mem, Y_mem = synthetic_data(5000 if args.quick else 20000, BIG_DIMS[0])
    for (dtype, batch_size), impl in itertools.product(
        ((np.float64, None), (np.float32, None), (np.float64, 1000)), TRAINERS
    ):
        peak, caches = peak_memory(X_mem, Y_mem, BIG_DIMS, 0.1, dtype, batch_size, TRAINERS[impl])
        A_only = caches / 2
        print(f"{impl:5s} m={X_mem.shape[1]} {np.dtype(dtype).name:8s} batch_size={batch_size!s:5s}: "
              f"peak {peak / 2**20:7.1f} MiB; caches (Z and A) {caches / 2**20:7.1f} MiB "
              f"-> x{peak / caches:4.2f}; activations A alone {A_only / 2**20:6.1f} MiB "
              f"-> x{peak / A_only:4.2f}")
        rows.append({"case": f"memory m={X_mem.shape[1]} batch_size={batch_size}",
                     "m": X_mem.shape[1], "layer_dims": str(BIG_DIMS),
                     "dtype": np.dtype(dtype).name, "impl": f"{impl} peak bytes",
                     "median_s": "", "min_s": "", "max_s": "", "samples": "",
                     "epochs_per_sample": "", "x_floor": "", "x_torch": "",
                     "torch_cost_gap": "", "peak_bytes": peak, "cache_bytes": caches})

    if args.csv:
        os.makedirs(os.path.dirname(args.csv) or ".", exist_ok=True)
        fields = list(rows[0]) + ["peak_bytes", "cache_bytes"]
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields, restval="")
            writer.writeheader()
            writer.writerows(rows)
        print(f"\nwrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
