"""Writes the LLaVA-NeXT processor fixture (core/src/test/resources/fixtures/llava-next-processor): images of
several aspect ratios and HF's own processing of them under two image_grid_pinpoints sets, from
transformers' LlavaNextImageProcessorPil (the PIL backend, named explicitly) and LlavaNextProcessor
(the <image> expansion, with the tiny-llava-a tokenizer): the best resolution, the number of tiles,
per tile the float64 sum and sum of squares and 32 sampled values, and the image token count.

Usage: python tools/make_llava_next_processor_fixture.py  (pinned environment: tools/requirements.txt)
"""

import json
import os

import numpy as np
from PIL import Image, ImageDraw
from transformers import AutoTokenizer, LlavaNextProcessor
from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil

OUT = "core/src/test/resources/fixtures/llava-next-processor"
TOKENIZER = "core/src/test/resources/fixtures/tiny-llava-a"
PINPOINTS = {
    "default": [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]],
    "wide": [[336, 336], [336, 672], [672, 336], [672, 672], [336, 1008], [1008, 336], [336, 1344],
             [1344, 336], [672, 1008], [1008, 672]],
}
SIZES = [(640, 480), (480, 640), (672, 672), (1000, 300), (300, 1000), (517, 333), (50, 40), (1000, 700)]  # (w, h)


def image(w, h, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 255 // max(1, w - 1)), (y * 255 // max(1, h - 1)),
                    ((x + y) * 3) % 256], axis=-1).astype(np.uint8)
    im = Image.fromarray(img)
    d = ImageDraw.Draw(im)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        d.ellipse([x0, y0, x0 + w // 5, y0 + h // 5], fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return im


def main():
    os.makedirs(OUT, exist_ok=True)
    tok = AutoTokenizer.from_pretrained(TOKENIZER)
    image_token_id = tok.convert_tokens_to_ids("<image>")
    cases = []
    for n, (w, h) in enumerate(SIZES):
        name = f"{w}x{h}.png"
        im = image(w, h, n)
        im.save(os.path.join(OUT, name))
        im = Image.open(os.path.join(OUT, name)).convert("RGB")
        for key, pins in PINPOINTS.items():
            ip = LlavaNextImageProcessorPil(
                size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336},
                image_grid_pinpoints=pins, do_pad=True)
            proc = LlavaNextProcessor(image_processor=ip, tokenizer=tok, patch_size=14,
                                      vision_feature_select_strategy="default",
                                      num_additional_image_tokens=1)
            out = proc(text="<image>", images=[im], return_tensors="np")
            pv = out["pixel_values"][0].astype(np.float64)  # (tiles, 3, 336, 336)
            tokens = int((out["input_ids"][0] == image_token_id).sum())
            rng = np.random.default_rng(100 + n)
            idx = rng.integers(0, pv[0].size, 32).tolist()
            from transformers.image_processing_utils import select_best_resolution
            best = select_best_resolution([h, w], pins)
            cases.append({
                "image": name, "pinpoints": key, "best": list(best), "tiles": int(pv.shape[0]),
                "image_tokens": tokens, "image_size": out["image_sizes"][0].tolist(),
                "sums": [float(t.sum()) for t in pv], "squares": [float((t * t).sum()) for t in pv],
                "sample_index": idx, "samples": [[float(t.reshape(-1)[i]) for i in idx] for t in pv]})
            print(name, key, best, pv.shape[0], tokens)
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump({"pinpoints": PINPOINTS, "tile": 336, "patch": 14, "additional_tokens": 1,
                   "strategy": "default", "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
