"""CPython's multiprocessing primitives on the shared-state workloads.

Invoked by bench/workloads/shared-state.ts; prints one JSON object on stdout:
{"runs_ms": [...], "checksum": "..."}. Each run is timed where the work
happens, after every process has started:
- lock: n acquire/release pairs of one mp.Lock, in a child process.
- dict: n set+get pairs on a Manager().dict(), from a child process.
- queue: n small items from a producer Process to a consumer Process
  through one mp.Queue, from the start signal until the consumer has them all.
"""
import argparse
import json
import multiprocessing as mp
import time


def lock_child(lock, n, out):
    start = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        lock.release()
    out.put(((time.perf_counter() - start) * 1000, n))


def dict_child(d, n, out):
    start = time.perf_counter()
    total = 0
    for i in range(n):
        d[i % 100] = i
        total += d[i % 100]
    out.put(((time.perf_counter() - start) * 1000, total))


def producer(q, n, go):
    go.wait()
    for i in range(n):
        q.put(i)


def consumer(q, n, go, out):
    go.wait()
    start = time.perf_counter()
    total = 0
    for _ in range(n):
        total += q.get()
    out.put(((time.perf_counter() - start) * 1000, total))


def run_in_child(target, args):
    out = mp.Queue()
    child = mp.Process(target=target, args=(*args, out))
    child.start()
    ms, check = out.get()
    child.join()
    return ms, check


def run_queue(n):
    q, go, out = mp.Queue(), mp.Event(), mp.Queue()
    procs = [mp.Process(target=producer, args=(q, n, go)), mp.Process(target=consumer, args=(q, n, go, out))]
    for p in procs:
        p.start()
    time.sleep(0.2)  # both are started and waiting on the signal
    go.set()
    ms, total = out.get()
    for p in procs:
        p.join()
    return ms, total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('workload', choices=['lock', 'dict', 'queue'])
    parser.add_argument('--n', type=int, required=True)
    parser.add_argument('--reps', type=int, default=3)
    args = parser.parse_args()
    runs, checks = [], set()
    manager = mp.Manager() if args.workload == 'dict' else None
    for _ in range(args.reps):
        if args.workload == 'lock':
            ms, check = run_in_child(lock_child, (mp.Lock(), args.n))
        elif args.workload == 'dict':
            ms, check = run_in_child(dict_child, (manager.dict(), args.n))
        else:
            ms, check = run_queue(args.n)
        runs.append(ms)
        checks.add(check)
    if manager is not None:
        manager.shutdown()
    print(json.dumps({'runs_ms': runs, 'checksum': str(sorted(checks))}))


if __name__ == '__main__':
    main()
