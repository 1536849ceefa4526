"""Writes the tiny Qwen2-VL / Qwen2.5-VL conformance checkpoints and their reference outputs, computed by HF
transformers itself (the version pinned in tools/requirements.txt; torchvision absent, so the PIL image processor).

Regenerate (offline, CPU, a few seconds):
    /tmp/v2venv/bin/python tools/make_qwen2vl_fixtures.py core/src/test/resources/fixtures

Two checkpoints that differ the way real ones do:
  tiny-qwen2vl:  Qwen2-VL, float16 in one file in the layout transformers 4.52-4.57 wrote (model.visual.*,
                 model.language_model.*, lm_head.*), the nested text_config with rope_parameters.mrope_section that
                 transformers 5.x writes, quick-GELU tower, GQA decoder.
  tiny-qwen25vl: Qwen2.5-VL, bfloat16 in shards with model.safetensors.index.json in the Hub layout (visual.*,
                 model.*, lm_head.*) with the older top-level config keys and rope_scaling {type: mrope}; RMSNorm /
                 SwiGLU tower with window attention (window_size 112 = 4x4 merged units) and one full-attention block.
Both share a byte-level BPE tokenizer with Qwen's special tokens.

Per checkpoint, vision.json + vision-features.f32: the vision tower's input (the processor's pixel_values of two
images of odd sizes, one above max_pixels, then the patches of a 6-frame video grid from a formula, video_patches)
with each part's grid and pixel sum, and its output, the merged features (HF's pooler_output of model.visual,
float32 compute, float32 little-endian row-major). Before writing, the script checks that the
checkpoint reloads from disk to the same features as the model that wrote it.
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2VLConfig,
                          Qwen2VLForConditionalGeneration)
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

FIXTURE_VERSION = 1
REGENERATE = "python tools/make_qwen2vl_fixtures.py core/src/test/resources/fixtures"
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>",
            "<|video_pad|>"]
WORDS = ["what", "is", "the", "color", "of", "shape", "left", "right", "above", "below", "how", "many", "are",
         "there", "in", "image", "picture", "answer", "question", "using", "a", "single", "word", "or", "phrase",
         "yes", "no", "red", "green", "blue", "circle", "square", "video", "frame", "system", "user", "assistant",
         "You", "helpful", "Describe", "this"]
# Qwen2's pre-tokenizer split pattern (tokenizer.json of the Qwen2-VL checkpoints)
QWEN_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
              r"|\s+(?!\S)|\s+")


def build_tokenizer():
    rng = np.random.default_rng(1)
    corpus = [" ".join(rng.choice(WORDS, int(rng.integers(3, 12)))).capitalize() + "?" for _ in range(2000)]
    corpus += ["You are a helpful assistant.\nuser\nassistant\n"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=380, special_tokens=[],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus, trainer)
    tok.add_special_tokens(SPECIALS)
    return tok


def randomize(model, seed, std):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or "ln_q" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(std * torch.randn(p.shape, generator=g))


def draw_image(width, height, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:height, 0:width]
    a[..., 0] = (a[..., 0] // 4 + (xx * 255 // max(1, width - 1)) * 3 // 4).astype(np.uint8)
    a[height // 3: height // 2, width // 4: width // 2, :] = [250, 30, 60]
    return Image.fromarray(a, "RGB")


def recent_layout(key):
    """The Hub layout save_pretrained writes (visual.*, model.*, lm_head.*) -> the one transformers 4.52-4.57 wrote
    (model.visual.*, model.language_model.*, lm_head.*), its modules' own names."""
    if key.startswith("visual."):
        return "model." + key
    if key.startswith("model."):
        return "model.language_model." + key[len("model."):]
    return key


def rename_keys(d, fn):
    index = os.path.join(d, "model.safetensors.index.json")
    files = sorted(f for f in os.listdir(d) if f.endswith(".safetensors"))
    for f in files:
        path = os.path.join(d, f)
        tensors = load_file(path)
        save_file({fn(k): v for k, v in tensors.items()}, path, metadata={"format": "pt"})
    if os.path.exists(index):
        with open(index) as fh:
            idx = json.load(fh)
        idx["weight_map"] = {fn(k): v for k, v in idx["weight_map"].items()}
        with open(index, "w") as fh:
            json.dump(idx, fh, indent=2)


def legacy_config(d):
    """The older config.json: text keys at the top level, rope_scaling {type: mrope, mrope_section}, rope_theta."""
    path = os.path.join(d, "config.json")
    with open(path) as fh:
        cfg = json.load(fh)
    text = cfg.pop("text_config")
    rope = text.pop("rope_parameters")
    text.pop("model_type", None)
    text["rope_theta"] = rope["rope_theta"]
    text["rope_scaling"] = {"type": "mrope", "mrope_section": rope["mrope_section"]}
    cfg.update(text)
    with open(path, "w") as fh:
        json.dump(cfg, fh, indent=2)


def video_patches(grid, row_width):
    """Pixel patches of a video grid (t, h, w) in the processor's normalised range, from a formula a test can repeat
    bit for bit (float32: ((31 i + 17 j) mod 251) / 60 - 2 at row i, column j)."""
    rows = grid[0] * grid[1] * grid[2]
    i, j = np.mgrid[0:rows, 0:row_width]
    return ((i * 31 + j * 17) % 251).astype(np.float32) / np.float32(60) - np.float32(2)


def write_vision_reference(d, spec, model_cls):
    processor = Qwen2VLImageProcessorPil.from_pretrained(d)
    pixels, grids, entries = [], [], []
    for i, (w, h) in enumerate(spec["images"]):
        name = f"images/{i:02d}-{w}x{h}.png"
        out = processor(images=[Image.open(os.path.join(d, name))], return_tensors="np")
        pixels.append(out["pixel_values"].astype(np.float32))
        grids.append(out["image_grid_thw"][0].tolist())
        entries.append({"kind": "image", "file": name, "grid_thw": grids[-1],
                        "pixel_sum": float(pixels[-1].astype(np.float64).sum())})
    row_width = pixels[0].shape[1]
    pixels.append(video_patches(spec["video_grid"], row_width))
    grids.append(list(spec["video_grid"]))
    entries.append({"kind": "video", "grid_thw": grids[-1], "pixel_sum": float(pixels[-1].astype(np.float64).sum())})
    pv = torch.from_numpy(np.concatenate(pixels))
    grid = torch.tensor(grids)
    model = model_cls.from_pretrained(d, dtype=torch.float32).eval()
    with torch.no_grad():
        feats = model.model.visual(pv, grid_thw=grid).pooler_output
    mine = spec["written_features"](pv, grid)
    # the same float32 weights; summation order may differ by a few ulps between the two module instances
    assert torch.allclose(feats, mine, rtol=0, atol=1e-5), ("reloaded checkpoint differs from the written one",
                                      float((feats - mine).abs().max()), model.config._attn_implementation,
                                      spec["written_attn"])
    merge = model.config.vision_config.spatial_merge_size
    tokens = [g[0] * g[1] * g[2] // (merge * merge) for g in grids]
    assert feats.shape == (sum(tokens), model.config.text_config.hidden_size), feats.shape
    for e, n in zip(entries, tokens):
        e["tokens"] = n
    feats.numpy().astype("<f4").tofile(os.path.join(d, "vision-features.f32"))
    with open(os.path.join(d, "vision.json"), "w") as fh:
        json.dump({"fixture_version": FIXTURE_VERSION, "regenerate": REGENERATE, "transformers": __import__(
            "transformers").__version__, "torch": torch.__version__, "dtype": "float32",
                   "input_rows": int(pv.shape[0]), "input_width": int(pv.shape[1]),
                   "feature_width": int(feats.shape[1]), "inputs": entries,
                   "feature_sum": float(feats.double().sum())}, fh, indent=2)
    print(spec["name"], "vision tokens", tokens, "feature sum", float(feats.double().sum()))


def write_fixture(out, spec, tok):
    d = os.path.join(out, spec["name"])
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "images"))
    ids = {s: tok.token_to_id(s) for s in SPECIALS}
    cfg = spec["config_cls"](
        text_config=dict(vocab_size=tok.get_vocab_size(), bos_token_id=ids["<|endoftext|>"],
                         eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"], **spec["text"]),
        vision_config=spec["vision"], image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    torch.manual_seed(spec["seed"])
    model = spec["model_cls"](cfg).eval()
    randomize(model, spec["seed"], spec["std"])
    model = model.to(spec["dtype"])
    model.save_pretrained(d, max_shard_size=spec.get("max_shard_size", "5GB"))
    spec["rewrite"](d)
    Qwen2VLImageProcessorPil(min_pixels=spec["min_pixels"], max_pixels=spec["max_pixels"]).save_pretrained(d)
    tok.save(os.path.join(d, "tokenizer.json"))
    for i, (w, h) in enumerate(spec["images"]):
        draw_image(w, h, spec["seed"] * 10 + i).save(os.path.join(d, "images", f"{i:02d}-{w}x{h}.png"))

    # the written model in float32 (its stored values, as a float32 load sees them)
    written = model.float()
    spec["written_attn"] = written.config._attn_implementation

    def written_features(pv, grid):
        with torch.no_grad():
            return written.model.visual(pv, grid_thw=grid).pooler_output

    spec["written_features"] = written_features
    write_vision_reference(d, spec, spec["model_cls"])


def main(out):
    os.makedirs(out, exist_ok=True)
    tok = build_tokenizer()
    text = dict(hidden_size=64, intermediate_size=128, num_attention_heads=4, num_key_value_heads=2,
                rms_norm_eps=1e-6, max_position_embeddings=4096, initializer_range=0.08)
    qwen2 = dict(
        name="tiny-qwen2vl", seed=31, std=0.08, dtype=torch.float16,
        config_cls=Qwen2VLConfig, model_cls=Qwen2VLForConditionalGeneration,
        text=dict(text, num_hidden_layers=6,
                  rope_parameters=dict(rope_type="default", rope_theta=1000000.0, mrope_section=[2, 3, 3])),
        vision=dict(depth=2, embed_dim=32, hidden_size=64, num_heads=2, mlp_ratio=2, hidden_act="quick_gelu",
                    patch_size=14, temporal_patch_size=2, spatial_merge_size=2),
        min_pixels=56 * 56, max_pixels=28 * 28 * 20,
        images=[(150, 97), (61, 117)],  # the first is above max_pixels (scaled down); both need rounding
        video_grid=(3, 4, 6),
        rewrite=lambda d: rename_keys(d, recent_layout))
    qwen25 = dict(
        name="tiny-qwen25vl", seed=37, std=0.08, dtype=torch.bfloat16, max_shard_size="200KB",
        config_cls=Qwen2_5_VLConfig, model_cls=Qwen2_5_VLForConditionalGeneration,
        text=dict(text, num_hidden_layers=8,
                  rope_parameters=dict(rope_type="default", rope_theta=1000000.0, mrope_section=[2, 3, 3])),
        vision=dict(depth=3, hidden_size=32, out_hidden_size=64, intermediate_size=48, num_heads=2, hidden_act="silu",
                    patch_size=14, temporal_patch_size=2, spatial_merge_size=2, window_size=112,
                    fullatt_block_indexes=[1], tokens_per_second=2),
        min_pixels=56 * 56, max_pixels=28 * 28 * 80,
        images=[(290, 170), (101, 143)],  # 10x6 and 4x5 merged units: windows of 4x4 with padding
        video_grid=(3, 10, 6),
        rewrite=legacy_config)  # save_pretrained writes the Hub layout itself
    for spec in (qwen2, qwen25):
        write_fixture(out, spec, tok)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "core/src/test/resources/fixtures")
