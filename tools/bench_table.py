#!/usr/bin/env python3
"""Markdown tables for BENCHMARKS.md from tools/bench_side_by_side.sh's JSON lines.

    python3 tools/bench_table.py benchmarks/runs/bench-DATE.jsonl [MORE.jsonl ...]

Several files (runs of the same build) are pooled: every round of every file counts once. Prints (1) every
configuration's medians over rounds, (2) Java / HF ratios taken within each round (the VM's speed drifts between
rounds) with their median and, from 6 rounds on, a 95% confidence interval of that median (distribution-free: order
statistics of the binomial(n, 1/2) law, so a ratio "below 1.0" can be told from noise), and (3) the dropping targets: prefill speedup vanilla / v2drop@llava-192 as
a share of the prefill FLOPs ratio, and FastV / PDrop prefill against V2Drop's at equal budget; (4) where the
prefill goes: runs of equal-sized layers, Java against HF, from prefill_layer_ms. Standard library only.

The FLOPs ratio is the spec's formula (4nd^2 + 2n^2d + 3ndm per layer), which counts every query-key pair; a causal
attention kernel (torch's SDPA, which both engines call) computes about half of them, so at thousands of tokens,
where attention is a large part of a layer, the formula's ratio overstates the work saved. The speedup table also
gives its share of the causal-work ratio (the same formula with n^2d): d and the linear terms are solved from the
vanilla and dropped rows' FLOPs and tokens per layer (prompt tokens - vision tokens + vision tokens per layer), so no
model config is needed. A diagnostic beside the spec's figure, not a replacement for it.
"""
import json
import math
import statistics
import sys
from collections import defaultdict

FIELDS = ["vision_ms", "prefill_ms", "decode_ms_per_token", "llm_total_ms"]


def causal_ratio(base, dropped):
    """The prefill FLOPs ratio with attention counted as a causal kernel computes it (n^2 d per layer instead of the
    formula's 2 n^2 d). Each row's FLOPs are a S + 2 d Q (S, Q: sums of n and n^2 over layers; a = 4d^2 + 3dm): two
    rows give a and d. None when the rows cannot tell them apart."""
    def sums(r):
        text = r["prompt_tokens"] - r["vision_tokens"]
        ns = [text + v for v in r["vision_tokens_per_layer"]]
        return sum(ns), sum(n * n for n in ns)
    (s1, q1), (s2, q2) = sums(base), sums(dropped)
    det = s1 * 2 * q2 - s2 * 2 * q1
    if det == 0:
        return None
    a = (base["flops"] * 2 * q2 - dropped["flops"] * 2 * q1) / det
    d = (s1 * dropped["flops"] - s2 * base["flops"]) / det
    return (a * s1 + d * q1) / (a * s2 + d * q2)


def load(paths):
    """Rows of all files; a round is (file, round) so that rounds of different runs never pair up."""
    rows = []
    for i, path in enumerate(paths):
        with open(path) as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    r = d["result"]
                    rows.append({**r, "round": (i, d.get("round", 1)), "engine": d["engine"], "images": d["images"]})
    return rows


def median_interval(values, level=0.95):
    """Distribution-free interval for the median: [x_(j), x_(n+1-j)] with the largest j whose two tails
    P(Binomial(n, 1/2) <= j - 1) each stay within (1 - level) / 2; None below 6 values (no such j)."""
    n = len(values)
    xs = sorted(values)
    tail, j = 0.0, 0
    while True:
        tail += math.comb(n, j) / 2 ** n
        if tail > (1 - level) / 2:
            break
        j += 1
    return (xs[j - 1], xs[n - j]) if j >= 1 else None


def summary(values):
    """'**median** [low, high]' (the 95% interval when there are enough rounds)."""
    ci = median_interval(values)
    return f"**{median(values):.2f}**" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")


def rounds_list(values):
    return ", ".join(f"{x:.2f}" for x in values)


def median(values):
    return statistics.median(values) if values else float("nan")


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


def main(paths):
    rows = load(paths)
    by = defaultdict(list)  # (images, new, method, engine) -> rows
    for r in rows:
        by[(r["images"], r["new_tokens"], r["method"], r["engine"])].append(r)
    rounds = sorted({r["round"] for r in rows})

    print(f"Medians over {len(rounds)} round(s) from {len(paths)} file(s):\n")
    print("| engine | images | method | new tokens | vision | prefill | decode / token | LLM total | prefill FLOPs |"
          " mean vision tokens | peak RSS MB | rounds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (images, new, method, engine), rs in by.items():
        med = {f: median([r[f] for r in rs]) for f in FIELDS}
        vision = statistics.mean(rs[0]["vision_tokens_per_layer"])
        print(f"| {engine} | {images} | {method} | {new} | {fmt(med['vision_ms'])} | {fmt(med['prefill_ms'])} | "
              f"{fmt(med['decode_ms_per_token'], 1)} | {fmt(med['llm_total_ms'])} | {rs[0]['flops']:.2e} | "
              f"{vision:.1f} | {max(r['peak_rss_mb'] for r in rs)} | {len(rs)} |")

    print("\nJava / HF, one ratio per round (median [95% interval]; then each round's):\n")
    print("| engine | images | new tokens | method | prefill | LLM total | decode / token |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (images, new, method, engine), java in by.items():
        if engine == "hf" or (images, new, method, "hf") not in by:
            continue
        hf = {r["round"]: r for r in by[(images, new, method, "hf")]}
        cells = []
        for field in ["prefill_ms", "llm_total_ms", "decode_ms_per_token"]:
            ratios = [j[field] / hf[j["round"]][field] for j in java if j["round"] in hf]
            cells.append(f"{summary(ratios)} ({rounds_list(ratios)})")
        print(f"| {engine} | {images} | {new} | {method} | " + " | ".join(cells) + " |")

    print("\nPrefill speedup vanilla / V2Drop (its presets v2drop@llava-192, v2drop@qwen2vl-22, or any v2drop@ schedule"
          " timed) as a share of the prefill FLOPs ratio (per round):\n")
    print("| images | new tokens | engine | method | FLOPs ratio | speedup (median) | share of FLOPs ratio (median [95%];"
          " rounds) | causal-work ratio | share of it (median [95%]) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (images, new, method, engine), dropped in by.items():
        base = by.get((images, new, "vanilla", engine))
        if not method.startswith("v2drop@") or not base:
            continue
        flops = base[0]["flops"] / dropped[0]["flops"]
        vanilla = {r["round"]: r for r in base}
        speedups = [vanilla[r["round"]]["prefill_ms"] / r["prefill_ms"] for r in dropped if r["round"] in vanilla]
        shares = [s / flops for s in speedups]
        causal = causal_ratio(base[0], dropped[0])
        causal_cells = "- | -" if causal is None else f"{causal:.2f} | {summary([s / causal for s in speedups])}"
        print(f"| {images} | {new} | {engine} | {method} | {flops:.2f} | {median(speedups):.2f} | {summary(shares)} "
              f"({rounds_list(shares)}) | {causal_cells} |")

    pairs = [("fastv@3:0.5", "v2drop@3:0.5"), ("pdrop@llava-192", "v2drop@llava-192")]
    lines = []
    for other, v2 in pairs:
        a = {r["round"]: r for r in by.get((1, 4, other, "java"), [])}
        b = {r["round"]: r for r in by.get((1, 4, v2, "java"), [])}
        ratios = [a[k]["prefill_ms"] / b[k]["prefill_ms"] for k in a if k in b]
        if ratios:
            lines.append(f"| {other} / {v2} | {summary(ratios)} ({rounds_list(ratios)}) |")
    if lines:
        print("\nPrefill at equal budget, Java, 1 image, 4 new tokens (per round):\n")
        print("| pair | prefill ratio (median [95%]; rounds) |")
        print("| --- | --- |")
        print("\n".join(lines))
    print_segments(by)


def segments(vision_per_layer):
    """Runs of consecutive layers with the same vision token count: [(first, last, vision tokens)]."""
    out = []
    for l, v in enumerate(vision_per_layer):
        if out and out[-1][2] == v:
            out[-1] = (out[-1][0], l, v)
        else:
            out.append((l, l, v))
    return out


def print_segments(by):
    """(4) Java and HF prefill per run of equal-sized layers, summed from prefill_layer_ms, with per-round ratios."""
    lines = []
    for (images, new, method, engine), java in by.items():
        hf_rows = by.get((images, new, method, "hf"))
        if engine != "java" or not hf_rows or "prefill_layer_ms" not in java[0] or "prefill_layer_ms" not in hf_rows[0]:
            continue
        hf = {r["round"]: r for r in hf_rows}
        pairs = [(j, hf[j["round"]]) for j in java if j["round"] in hf]
        parts = [(f"layers {a}-{b} ({v} vision tokens)", a, b) for a, b, v in segments(java[0]["vision_tokens_per_layer"])]
        for label, a, b in parts + [("outside the layers (embedding merge, LM head)", None, None)]:
            def ms(r):
                inside = sum(r["prefill_layer_ms"])
                return r["prefill_ms"] - inside if a is None else sum(r["prefill_layer_ms"][a:b + 1])
            jm, hm = median([ms(j) for j, _ in pairs]), median([ms(h) for _, h in pairs])
            ratios = [ms(j) / ms(h) for j, h in pairs if ms(h) > 0]
            lines.append(f"| {images} | {new} | {method} | {label} | {fmt(jm, 1)} | {fmt(hm, 1)} | "
                         f"{summary(ratios)} ({rounds_list(ratios)}) |")
    if lines:
        print("\nWhere the prefill goes: each run of equal-sized decoder layers (its drop step included), Java and HF "
              "medians in ms and the Java / HF ratio per round:\n")
        print("| images | new tokens | method | layers | java | hf | Java / HF (median [95%]; rounds) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
