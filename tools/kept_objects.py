"""Where the kept vision tokens lie on ShapesVQA: the share of kept tokens whose image patch shows an object.

    python tools/kept_objects.py --reports reports --suite reports/suite [--benchmark shapes_pope] [--run-id demo]

ShapesVQA scenes are 96 x 96 px on a plain background (0xF2F2EE); the demo model's vision tower cuts them into an
8 x 8 grid of 12-px patches, one vision token each (token k = row k // 8, column k % 8). A patch "shows an object" when
any of its pixels differs from the background. For every method the script prints, at each drop, the share of the
kept tokens that show an object, next to the share of all patches that do (what a uniform choice keeps on average).
Needs pyarrow and pillow (tools/requirements.txt or notebooks/requirements.txt).
"""
import argparse
import collections
import glob
import io

import pyarrow.dataset as ds
import pyarrow.parquet as pq
from PIL import Image

BACKGROUND = (0xF2, 0xF2, 0xEE)
GRID, PATCH = 8, 12


def object_patches(png):
    img = Image.open(io.BytesIO(png)).convert("RGB")
    px = img.load()
    out = set()
    for k in range(GRID * GRID):
        r, c = divmod(k, GRID)
        if any(px[c * PATCH + x, r * PATCH + y] != BACKGROUND for y in range(PATCH) for x in range(PATCH)):
            out.add(k)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", required=True)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--benchmark", default="shapes_pope")
    ap.add_argument("--run-id", default="demo")
    args = ap.parse_args()
    images = {}
    for f in glob.glob(f"{args.suite}/{args.benchmark}/data/*.parquet"):
        for row in pq.read_table(f, columns=["question_id", "image"]).to_pylist():
            images[row["question_id"]] = object_patches(row["image"]["bytes"])
    preds = ds.dataset(f"{args.reports}/predictions", format="parquet", partitioning="hive").to_table(
        filter=(ds.field("run_id") == args.run_id) & (ds.field("benchmark") == args.benchmark)
        & (ds.field("status") == "ok"),
        columns=["method", "sample_id", "kept_positions", "vision_positions"]).to_pylist()
    base = [len(v) / GRID ** 2 for v in images.values()]
    print(f"{args.benchmark}: {len(images)} images; patches showing an object: {100 * sum(base) / len(base):.1f}%")
    kept = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0]))  # method -> drop -> [obj, all]
    for p in preds:
        objects = images.get(p["sample_id"])
        if objects is None or not p["kept_positions"]:
            continue
        first = p["vision_positions"][0]
        for d, stage in enumerate(p["kept_positions"]):
            for pos in stage:
                kept[p["method"]][d][0] += (pos - first) in objects
                kept[p["method"]][d][1] += 1
    for method in sorted(kept):
        shares = ", ".join(f"drop {d + 1}: {100 * o / n:.1f}% of {n}" for d, (o, n) in sorted(kept[method].items()))
        print(f"  {method:28s} kept tokens showing an object: {shares}")


if __name__ == "__main__":
    main()
