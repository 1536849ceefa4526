"""Compares the answers of two evaluation runs sample by sample (e.g. batch size 1 vs 8): the share of identical
responses per benchmark × method and every difference, as JSON on stdout.

    python tools/compare_predictions.py --a REPORTS_A --a-run RUN_A --b REPORTS_B --b-run RUN_B

REPORTS_* are `output` roots of `bin/v2drop eval` (their predictions/ folder is read); rows are matched on
(model, benchmark, method, sample_id). Also accepts two `bin/v2drop throughput --answers` JSONL files (--a-jsonl,
--b-jsonl), matched on (benchmark, sample_id).
"""
import argparse
import json
import os

import pandas as pd


def load_reports(root, run):
    df = pd.read_parquet(os.path.join(root, "predictions"))
    df = df[df["run_id"] == run]
    return df[["model", "benchmark", "method", "sample_id", "response", "score", "status"]].astype(
        {"model": str, "benchmark": str, "method": str})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a")
    ap.add_argument("--a-run")
    ap.add_argument("--b")
    ap.add_argument("--b-run")
    ap.add_argument("--a-jsonl")
    ap.add_argument("--b-jsonl")
    args = ap.parse_args()
    if args.a_jsonl:
        a, b = pd.read_json(args.a_jsonl, lines=True), pd.read_json(args.b_jsonl, lines=True)
        keys = ["benchmark", "sample_id"]
    else:
        a, b = load_reports(args.a, args.a_run), load_reports(args.b, args.b_run)
        keys = ["model", "benchmark", "method", "sample_id"]
    a["sample_id"], b["sample_id"] = a["sample_id"].astype(str), b["sample_id"].astype(str)
    m = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    unmatched = int((m["_merge"] != "both").sum())
    m = m[m["_merge"] == "both"]
    same = m["response_a"].fillna("\0") == m["response_b"].fillna("\0")
    group = [k for k in keys if k != "sample_id"]
    per = m.assign(same=same).groupby(group)["same"].agg(["sum", "count"]).reset_index()
    out = {"rows": int(len(m)), "identical": int(same.sum()), "identical_share": float(same.mean()) if len(m) else 0.0,
           "unmatched_rows": unmatched,
           "per_group": [{**{k: r[k] for k in group}, "identical": int(r["sum"]), "rows": int(r["count"])}
                         for _, r in per.iterrows()],
           "differences": [{**{k: r[k] for k in keys}, "a": r["response_a"], "b": r["response_b"],
                            "score_a": r["score_a"], "score_b": r["score_b"]} for _, r in m[~same].iterrows()]}
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
