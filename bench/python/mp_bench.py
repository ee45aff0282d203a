"""CPython's multiprocessing.Pool on the benchmark's workloads.

Invoked by bench/harness/python.ts; prints one JSON object on stdout:
{"runs_ms": [...], "checksum": "..."}. Only the map/imap call is timed: the
pool is started (and warmed up) before the clock starts, as for the Node
contenders.
"""
import argparse
import json
import multiprocessing
import sys
import time


def square(x):
    return x * x


def weighted_checksum(results):
    """sum((i + 1) * r_i) as a decimal string: catches wrong values and wrong order."""
    return str(sum((i + 1) * r for i, r in enumerate(results)))


def run_map(pool, n, chunksize):
    return pool.map(square, range(n), chunksize)


def run_imap(pool, n, chunksize):
    return [r for r in pool.imap(square, range(n), chunksize)]


WORKLOADS = {"map": run_map, "imap": run_imap}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--chunksize", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--slow-ms", type=float, default=5000.0)
    args = parser.parse_args()
    run = WORKLOADS[args.workload]

    with multiprocessing.Pool(args.workers) as pool:
        # Warm-up: workers started, the task function pickled and imported once.
        run(pool, min(args.n, 1000), args.chunksize)
        runs_ms = []
        results = []
        for _ in range(args.reps):
            start = time.perf_counter()
            results = run(pool, args.n, args.chunksize)
            runs_ms.append((time.perf_counter() - start) * 1000.0)
            if runs_ms[-1] > args.slow_ms:
                break
    json.dump({"runs_ms": runs_ms, "checksum": weighted_checksum(results)}, sys.stdout)


if __name__ == "__main__":
    main()
