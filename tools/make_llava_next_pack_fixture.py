"""Writes core/src/test/resources/fixtures/llava-next-processor/pack.json: the order in which HF
transformers' LlavaNextModel.pack_image_features lays out one image's tile features (the base view,
the unpadded grid, a newline per row), read off by packing features whose single value is their
own (tile, feature) index and a newline of -1. Tiny geometry: tiles of 56 px, 4x4 features each.

Usage: python tools/make_llava_next_pack_fixture.py  (pinned environment: tools/requirements.txt)
"""

import json
from types import SimpleNamespace

import torch
from transformers.image_processing_utils import select_best_resolution
from transformers.models.llava_next.modeling_llava_next import LlavaNextModel

OUT = "core/src/test/resources/fixtures/llava-next-processor/pack.json"
PINPOINTS = [[56, 112], [112, 56], [112, 112], [56, 168], [168, 56]]
TILE, PATCH = 56, 14
SIZES = [(480, 640), (640, 480), (100, 100), (300, 1000), (1000, 300), (333, 517), (40, 50), (57, 113)]


def main():
    cfg = SimpleNamespace(vision_config=SimpleNamespace(image_size=TILE, patch_size=PATCH),
                          image_grid_pinpoints=PINPOINTS)
    fake = SimpleNamespace(config=cfg)
    side = TILE // PATCH
    cases = []
    for size in SIZES + [None]:
        if size is None:  # a lone tile (no grid): its features and one newline
            h, w, tiles = 50, 50, 1
        else:
            h, w = size
            bh, bw = select_best_resolution([h, w], PINPOINTS)
            tiles = 1 + (bh // TILE) * (bw // TILE)
        feats = torch.arange(tiles * side * side, dtype=torch.float32).reshape(tiles, side * side, 1)
        packed, lens = LlavaNextModel.pack_image_features(
            fake, [feats], torch.tensor([[h, w]]), "default", image_newline=torch.tensor([-1.0]))
        order = [int(v) for v in packed[0][:, 0].tolist()]
        cases.append({"height": h, "width": w, "tiles": tiles, "order": order})
        print(h, w, tiles, len(order))
    with open(OUT, "w") as f:
        json.dump({"pinpoints": PINPOINTS, "tile": TILE, "side": side, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
