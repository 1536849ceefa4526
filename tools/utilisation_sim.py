"""Executor utilisation of a full-scale sweep, simulated (BENCHMARKS.md, "Full-scale sweeps").

    python3 tools/utilisation_sim.py [--seed 1] [--executors 8 32 128] [--pass-overhead 1.0 5.0]

The sweep: 3 models x 10 methods x the lmms-lab tasks at their real sizes (1,269,510 prediction rows). Time per row:
the H200 anchor for LLaVA-1.5-7B at batch 1, about 100 ms of generate time, drawn per row from a log-normal
(median 100 ms, sigma 0.35); a Video-MME row (many frames) takes 8 times as long. One task per executor at a time (one
GPU each). The sweep job runs one pass per model x benchmark (all its pending methods): its rows hash-partitioned on
(sample id, method) into 2 x executors partitions (EvalJob's default; row counts per partition drawn as the hash
spreads them), then the driver commits the pass's cells (--pass-overhead seconds: local disk about 1 s as
tools/scale_bench.sh measures; S3 more). Policies:

  sequential    one pass after the other (the structure before overlapping): every pass ends with a tail in which
                executors wait for its slowest tasks, then for the driver's commit
  overlapped K  up to K passes in flight (the driver submits pass j + K when pass j has committed); Spark's FIFO
                scheduler hands a free executor the oldest pass's next task, so the next pass fills the tail and the
                commit of the one before

Prints, per executor count, policy and pass overhead, the wall time, the ideal wall time (work / executors) and the
idle share of executor time: 1 - work / (executors x wall).
"""
import argparse
import heapq
import math
import random

TASKS = {"pope": 9000, "mme": 2374, "gqa": 12578, "textvqa_val": 5000, "vizwiz_vqa_val": 4319,
         "scienceqa_img": 2017, "mmbench_en_dev": 4329, "videomme": 2700}
MODELS, METHODS = 3, 10
MEDIAN_MS, SIGMA, VIDEO_FACTOR = 100.0, 0.35, 8.0


def passes(executors, rng):
    """The sweep's passes in order (model x benchmark), each a list of task seconds in partition order."""
    out = []
    parts = max(2, 2 * executors)
    mu = math.log(MEDIAN_MS / 1000)
    for _ in range(MODELS):
        for b, n in TASKS.items():
            factor = VIDEO_FACTOR if b == "videomme" else 1.0
            tasks = [0.0] * parts
            for _row in range(n * METHODS):
                tasks[rng.randrange(parts)] += rng.lognormvariate(mu, SIGMA) * factor
            out.append(tasks)
    return out


def simulate(pass_list, executors, in_flight, overhead):
    """Wall time: executors take the next task of the oldest submitted pass; pass j + in_flight is submitted when
    pass j has ended and the driver has committed it (overhead seconds later)."""
    n = len(pass_list)
    submit = [None] * n
    for j in range(min(in_flight, n)):
        submit[j] = 0.0
    nxt = [0] * n
    end = [0.0] * n
    free = [(0.0, e) for e in range(executors)]
    heapq.heapify(free)
    first_open = 0
    while True:
        t, e = heapq.heappop(free)
        while first_open < n and nxt[first_open] == len(pass_list[first_open]):
            first_open += 1
        if first_open == n:
            break
        job = None
        later = math.inf
        for j in range(first_open, n):
            if submit[j] is None:
                break
            if nxt[j] < len(pass_list[j]):
                if submit[j] <= t:
                    job = j
                    break
                later = min(later, submit[j])
        if job is None:
            heapq.heappush(free, (later, e))
            continue
        d = pass_list[job][nxt[job]]
        nxt[job] += 1
        end[job] = max(end[job], t + d)
        if nxt[job] == len(pass_list[job]) and job + in_flight < n:
            # the pass's end is known once its last task is placed; its commit then frees a driver slot
            submit[job + in_flight] = max(end[job] + overhead, submit[job] or 0.0)
        heapq.heappush(free, (t + d, e))
    return max(end) + overhead


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--executors", type=int, nargs="+", default=[8, 32, 128])
    ap.add_argument("--pass-overhead", type=float, nargs="+", default=[1.0, 5.0])
    args = ap.parse_args()
    rows = MODELS * METHODS * sum(TASKS.values())
    print(f"sweep: {MODELS} models x {METHODS} methods x {len(TASKS)} tasks = {rows:,} prediction rows, "
          f"{MODELS * len(TASKS)} passes")
    print("| executors | policy | pass overhead (s) | work (executor-h) | wall (h) | ideal wall (h) | idle % |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for n in args.executors:
        pl = passes(n, random.Random(args.seed * 1000 + n))
        work = sum(sum(p) for p in pl)
        for overhead in args.pass_overhead:
            for name, k in (("sequential", 1), ("overlapped 2", 2), ("overlapped 3", 3)):
                wall = simulate(pl, n, k, overhead)
                print(f"| {n} | {name} | {overhead:g} | {work / 3600:.1f} | {wall / 3600:.3f} | "
                      f"{work / n / 3600:.3f} | {100 * (1 - work / (n * wall)):.1f} |")


if __name__ == "__main__":
    main()
