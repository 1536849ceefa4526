"""Writes core/src/test/resources/fixtures/qwen2vl-processor/: images of awkward sizes and what HF's Qwen2-VL image
processor (the PIL backend, Qwen2VLImageProcessorPil, at the transformers version pinned in tools/requirements.txt)
makes of them, for Qwen2VlImageProcessorTest.

  preprocessor_config.json   the processor's own save_pretrained output (min_pixels / max_pixels chosen so that
                             the set exercises smart_resize's three branches: round, scale down, scale up)
  legacy/preprocessor_config.json  the same settings in the older top-level min_pixels / max_pixels form
  images/NN.png              RGB images of the sizes below, deterministic content
  reference.json             per image: file, height, width, resized_height, resized_width, image_grid_thw,
                             rows (patches), pixel_sum; and the processor settings
  pixel_values.f32           every image's pixel_values one after the other, float32 little-endian, row-major
                             (patches, channel * temporal_patch_size * patch_size * patch_size)

Before writing, it asserts that the processor's patch count agrees with get_number_of_image_patches and that the
legacy config loads to the same settings. Run with tools/requirements.txt installed (torchvision absent, so nothing
else is picked):

  python tools/make_qwen2vl_processor_fixture.py
"""
import json
import pathlib

import numpy as np
from PIL import Image
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil, smart_resize

OUT = pathlib.Path(__file__).resolve().parent.parent / "core/src/test/resources/fixtures/qwen2vl-processor"
MIN_PIXELS = 56 * 56
MAX_PIXELS = 28 * 28 * 16
# (width, height): round only; scale down (too many pixels); scale up (too few); a wide strip; odd sizes; halves
# that Python rounds to even (70 / 28 = 2.5 -> 2, 126 / 28 = 4.5 -> 4)
SIZES = [(90, 60), (140, 112), (300, 500), (20, 20), (400, 30), (37, 101), (57, 29), (70, 126)]


def image(i, width, height):
    y, x = np.mgrid[0:height, 0:width]
    rng = np.random.default_rng(1000 + i)
    noise = rng.integers(0, 40, size=(height, width, 3))
    r = (x * 255 // max(1, width - 1) + noise[..., 0]) % 256
    g = (y * 255 // max(1, height - 1) + noise[..., 1]) % 256
    b = ((x * 7 + y * 13 + i * 50) % 256 + noise[..., 2]) % 256
    return Image.fromarray(np.stack([r, g, b], -1).astype(np.uint8), "RGB")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "images").mkdir(exist_ok=True)
    processor = Qwen2VLImageProcessorPil(min_pixels=MIN_PIXELS, max_pixels=MAX_PIXELS)
    processor.save_pretrained(str(OUT))
    legacy_dir = OUT / "legacy"
    legacy_dir.mkdir(exist_ok=True)
    config = json.loads((OUT / "preprocessor_config.json").read_text())
    legacy = {k: v for k, v in config.items() if k != "size"}
    legacy["min_pixels"] = MIN_PIXELS
    legacy["max_pixels"] = MAX_PIXELS
    (legacy_dir / "preprocessor_config.json").write_text(json.dumps(legacy, indent=2) + "\n")
    reloaded = Qwen2VLImageProcessorPil.from_pretrained(str(legacy_dir))
    assert reloaded.size["shortest_edge"] == MIN_PIXELS and reloaded.size["longest_edge"] == MAX_PIXELS, reloaded.size
    entries = []
    blobs = []
    for i, (w, h) in enumerate(SIZES):
        img = image(i, w, h)
        name = f"images/{i:02d}.png"
        img.save(OUT / name)
        out = processor(images=[Image.open(OUT / name)], return_tensors="np")
        pv = out["pixel_values"].astype(np.float32)
        grid = out["image_grid_thw"][0].tolist()
        rh, rw = smart_resize(h, w, factor=28, min_pixels=MIN_PIXELS, max_pixels=MAX_PIXELS)
        assert grid == [1, rh // 14, rw // 14], (grid, rh, rw)
        assert pv.shape == (grid[1] * grid[2], 3 * 2 * 14 * 14), pv.shape
        assert processor.get_number_of_image_patches(h, w) == pv.shape[0]
        entries.append({"file": name, "height": h, "width": w, "resized_height": rh, "resized_width": rw,
                        "image_grid_thw": grid, "rows": int(pv.shape[0]), "pixel_sum": float(pv.astype(np.float64).sum())})
        blobs.append(pv.reshape(-1))
    np.concatenate(blobs).astype("<f4").tofile(OUT / "pixel_values.f32")
    (OUT / "reference.json").write_text(json.dumps({
        "fixture_version": 1, "processor": "Qwen2VLImageProcessorPil", "min_pixels": MIN_PIXELS, "max_pixels": MAX_PIXELS,
        "images": entries}, indent=2) + "\n")
    for e in entries:
        print(e["file"], e["width"], "x", e["height"], "->", e["resized_width"], "x", e["resized_height"], e["image_grid_thw"])


if __name__ == "__main__":
    main()
