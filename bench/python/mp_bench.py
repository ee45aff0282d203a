"""CPython's multiprocessing.Pool and concurrent.futures.ProcessPoolExecutor
on the benchmark's workloads.

Invoked by bench/harness/python.ts; prints one JSON object on stdout:
{"runs_ms": [...], "checksum": "..."}. Only the map/imap/submit calls are
timed: the pool or executor is started (and warmed up) before the clock
starts, as for the Node contenders.

Two modes time something else, each on a fresh Pool per repetition:
- map_fresh: the first map of a pool whose workers have all started (its
  initializer has run in every worker) but that has run nothing yet, in
  runs_ms; maps 3..--maps of the same pool (warm) in warm_runs_ms.
- startup: from Pool(workers) until every worker has run its initializer,
  the analog of Node's workerStart events; the checksum counts the distinct
  worker pids that signalled per pool.
"""
import argparse
import concurrent.futures
import json
import multiprocessing
import sys
import time


def square(x):
    return x * x


def echo(x):
    return x


def weighted_checksum(results):
    """sum((i + 1) * r_i) as a decimal string: catches wrong values and wrong order."""
    return str(sum((i + 1) * r for i, r in enumerate(results)))


def run_map(pool, n, chunksize):
    return pool.map(square, range(n), chunksize)


def run_imap(pool, n, chunksize):
    return [r for r in pool.imap(square, range(n), chunksize)]


def run_executor_map(executor, n, chunksize):
    # Without --chunksize the call leaves it out, so Python's own default (1) is what is measured.
    if chunksize is None:
        return list(executor.map(square, range(n)))
    return list(executor.map(square, range(n), chunksize=chunksize))


def run_executor_submit(executor, n, _chunksize):
    # n sequential round trips, each waited for before the next is submitted.
    return [executor.submit(echo, i).result() for i in range(n)]


def open_pool(workers):
    return multiprocessing.Pool(workers)


def open_executor(workers):
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers)
    # The first submits start the worker processes (all of them at once under
    # fork, one per submit under spawn/forkserver): keep that out of the clock.
    futures = [executor.submit(echo, i) for i in range(2 * workers)]
    for f in futures:
        f.result()
    return executor


def _signal_ready(queue):
    # Pool initializer: runs in each worker before its task loop starts.
    queue.put(multiprocessing.current_process().pid)


def open_started_pool(workers):
    """A Pool whose workers have all run their initializer; returns it and the seconds that took."""
    queue = multiprocessing.SimpleQueue()
    start = time.perf_counter()
    pool = multiprocessing.Pool(workers, initializer=_signal_ready, initargs=(queue,))
    pids = {queue.get() for _ in range(workers)}
    elapsed = time.perf_counter() - start
    queue.close()
    return pool, elapsed, pids


def main_map_fresh(args):
    first_ms, warm_ms, checksums = [], [], set()
    for _ in range(args.reps):
        pool, _elapsed, _pids = open_started_pool(args.workers)
        with pool:
            for i in range(args.maps):
                start = time.perf_counter()
                results = run_map(pool, args.n, args.chunksize)
                ms = (time.perf_counter() - start) * 1000.0
                checksums.add(weighted_checksum(results))
                if i == 0:
                    first_ms.append(ms)
                elif i >= 2:
                    warm_ms.append(ms)
    # Every map of every pool must agree; anything else is reported as a wrong checksum.
    checksum = checksums.pop() if len(checksums) == 1 else "inconsistent: " + ",".join(sorted(checksums))
    return {"runs_ms": first_ms, "warm_runs_ms": warm_ms, "checksum": checksum}


def main_startup(args):
    runs_ms, counts = [], set()
    # One untimed start first, so the timed ones do not pay for loading modules.
    for rep in range(args.reps + 1):
        pool, elapsed, pids = open_started_pool(args.workers)
        with pool:
            if rep > 0:
                runs_ms.append(elapsed * 1000.0)
            counts.add(len(pids))
    return {"runs_ms": runs_ms, "checksum": ",".join(str(c) for c in sorted(counts))}


# Modes that open their own fresh pools instead of timing calls on one pool.
FRESH_MODES = {
    "map_fresh": main_map_fresh,
    "startup": main_startup,
}

# workload -> (how to open the pool, the timed call)
WORKLOADS = {
    "map": (open_pool, run_map),
    "imap": (open_pool, run_imap),
    "executor_map": (open_executor, run_executor_map),
    "executor_submit": (open_executor, run_executor_submit),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=sorted([*WORKLOADS, *FRESH_MODES]))
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--chunksize", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--slow-ms", type=float, default=5000.0)
    parser.add_argument("--maps", type=int, default=5, help="map_fresh: maps per fresh pool (the 3rd on are warm)")
    args = parser.parse_args()
    if args.workload in FRESH_MODES:
        json.dump(FRESH_MODES[args.workload](args), sys.stdout)
        return
    open_, run = WORKLOADS[args.workload]

    # Both multiprocessing.Pool and ProcessPoolExecutor shut down on leaving the block.
    with open_(args.workers) as pool:
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
