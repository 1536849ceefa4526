"""Times HF transformers (PyTorch, SDPA) on the inputs `v2drop bench` uses, printing the same JSON fields.

    python tools/hf_bench.py --model DIR --method SPEC [--prompt-tokens N] [--images N] [--new-tokens N]
                             [--warmup N] [--repeat N] [--threads N] [--device cpu|cuda] [--dtype float32|float16]

On CUDA every timestamp is taken after torch.cuda.synchronize(), and peak_device_mb is torch's peak allocated memory.

The generation is a KV-cached greedy loop over HF's own modules (vision tower + projector via get_image_features,
LlamaDecoderLayer with SDPA attention, DynamicCache, final norm + lm_head on the last row only): vanilla, or with
V2Drop at the schedule's layers (docs/token-dropping.md: keep the vision tokens whose layer input moved most, L2,
from the previous layer's input; positions keep their original ids). The synthetic sample is built exactly as
BenchCommand.syntheticInput builds it (same ids, same pixel pattern). Exactly --new-tokens decode steps run.

    python tools/hf_bench.py --model DIR --serve [--prompt-tokens N] [--images N] [--new-tokens N] [--threads N]

A Qwen2-VL checkpoint (config.json model_type qwen2_vl) is timed the same way over its own modules (vision tower via
get_image_features / get_video_features, Qwen2 decoder layers with M-RoPE from get_rope_index, decoding at cache
position + rope_deltas), on the sample Qwen2VlEngine.syntheticInput builds: --image-size WxH images of its pixel
pattern through HF's PIL image processor, --video-frames N frames as one video (needs torchvision, see
tools/make_qwen2vl_fixtures.py), the chat template's turns and the same text ids.

loads the model once, prints {"ready": true}, then answers "SPEC N" lines on stdin with one JSON object each (N
generations, no warm-up) until end of input, like `v2drop bench --serve`; tools/bench_interleaved.py drives both.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
from transformers import DynamicCache, LlavaForConditionalGeneration

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from drop_reference import parse_method  # noqa: E402  (the method-spec grammar and preset scaling)

DEVICE = torch.device("cpu")
MODEL_DTYPE = {torch.float32}


def now():
    """perf_counter after the device has finished its queued work."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter()


def synthetic_input(cfg, text_tokens, images):
    """BenchCommand.syntheticInput: BOS, one text token, the image tokens, the other text tokens; CLIP-range pixels."""
    vocab = cfg.text_config.vocab_size
    eos = cfg.text_config.eos_token_id
    eos = set(eos if isinstance(eos, list) else [eos])
    text, c = [], 3
    for _ in range(text_tokens):
        while True:
            c = 3 + (c * 7919 + 13) % (vocab - 3)
            if c != cfg.image_token_index and c not in eos:
                break
        text.append(c)
    per_image = (cfg.vision_config.image_size // cfg.vision_config.patch_size) ** 2
    per_image += 1 if cfg.vision_feature_select_strategy == "full" else 0  # "full" keeps CLS
    head = min(1, text_tokens)
    ids = [1] + text[:head] + [cfg.image_token_index] * (images * per_image) + text[head:]
    size = cfg.vision_config.image_size
    i = np.arange(images * 3 * size * size, dtype=np.float64)
    pixels = (1.5 * np.sin(i * 0.01) + 0.3 * np.cos(i * 0.37)).astype(np.float32).reshape(images, 3, size, size)
    return torch.tensor([ids]), torch.from_numpy(pixels)


def v2drop_keep(h, prev, vision, ratio):
    """The rows a V2Drop stage keeps: every text row and the vision rows whose input moved most (L2, float32) from
    the previous layer's, k = max(1, floor(n r)); ties by lower position (a stable sort on descending score)."""
    rows = torch.nonzero(vision).flatten()
    keep = max(1, math.floor(len(rows) * ratio)) if len(rows) else 0
    score = (h[0, rows].float() - prev[0, rows].float()).norm(dim=-1)
    order = torch.sort(-score, stable=True).indices[:keep]
    mask = ~vision.clone()
    mask[rows[order]] = True
    return mask


@torch.inference_mode()
def generate(model, ids, pixels, stages, new_tokens, image_sizes=None):
    """One greedy generation: (vision_ms, prefill_ms, decode_ms, vision tokens per layer, tokens per layer, prefill ms
    per layer with its drop step). image_sizes: LLaVA-NeXT's (its AnyRes tiles packed with newlines)."""
    lm = model.model.language_model
    cfg = model.config
    t0 = now()
    feats = None
    if pixels.shape[0]:
        sizes = {} if image_sizes is None else {"image_sizes": image_sizes}
        feats = model.model.get_image_features(pixel_values=pixels, vision_feature_layer=cfg.vision_feature_layer,
                                               vision_feature_select_strategy=cfg.vision_feature_select_strategy,
                                               **sizes)
        feats = feats.pooler_output if hasattr(feats, "pooler_output") else feats
        feats = torch.cat(list(feats), 0) if isinstance(feats, (list, tuple)) else feats.reshape(-1, feats.shape[-1])
    t1 = now()
    is_vision = ids[0] == cfg.image_token_index
    h = lm.embed_tokens(ids)
    if feats is not None:
        if feats.shape[0] != int(is_vision.sum()):
            raise SystemExit(f"{feats.shape[0]} image features for {int(is_vision.sum())} image tokens")
        h = h.masked_scatter(is_vision[None, :, None].expand_as(h), feats.to(h.dtype))
    pos = torch.arange(ids.shape[1], device=ids.device)[None]
    return ((t1 - t0) * 1e3,) + run_decoder(model, h, is_vision.clone(), pos, 0, stages, new_tokens, t1)


def run_decoder(model, h, vision, pos, delta, stages, new_tokens, t1):
    """The KV-cached greedy loop both families share, from the prompt's input embeddings h (1, n, hidden): prefill
    layer by layer with V2Drop at the schedule's layers (kept tokens keep every row of their position ids pos:
    (1, n) for 1-D RoPE, (3, 1, n) for M-RoPE), then new_tokens - 1 decode steps at position n + delta + step on
    every row. t1 is when the prefill began. Returns (prefill_ms, decode_ms, vision tokens per layer, tokens per
    layer, prefill ms per layer with its drop step)."""
    lm = model.model.language_model
    n = h.shape[1]
    cache = DynamicCache(config=lm.config)
    prev = None
    drops = dict(stages)
    vision_per_layer, tokens_per_layer, layer_ms = [], [], []
    for l, layer in enumerate(lm.layers):
        layer_start = now()
        if l in drops:
            mask = v2drop_keep(h, prev, vision, drops[l])
            h, pos, vision = h[:, mask], pos[..., mask], vision[mask]
        prev = h
        cs = lm.rotary_emb(h, pos)
        h = layer(h, attention_mask=None, position_ids=pos if pos.dim() == 2 else pos[0], past_key_values=cache,
                  use_cache=True, position_embeddings=cs)
        vision_per_layer.append(int(vision.sum()))
        tokens_per_layer.append(int(h.shape[1]))
        layer_ms.append((now() - layer_start) * 1e3)
    token = model.lm_head(lm.norm(h[:, -1:])).argmax(-1)
    t2 = now()
    for step in range(new_tokens - 1):
        x = lm.embed_tokens(token)
        p = torch.full(tuple(pos.shape[:-1]) + (1,), n + delta + step, device=h.device)
        cs = lm.rotary_emb(x, p)
        for layer in lm.layers:
            x = layer(x, attention_mask=None, position_ids=p if p.dim() == 2 else p[0], past_key_values=cache,
                      use_cache=True, position_embeddings=cs)
        token = model.lm_head(lm.norm(x)).argmax(-1)
    t3 = now()
    return (t2 - t1) * 1e3, (t3 - t2) * 1e3, vision_per_layer, tokens_per_layer, layer_ms


def pattern(width, height, seed):
    """Qwen2VlEngine.pattern: a smooth deterministic RGB image (uint8, Java's Math.round)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    planes = [np.floor(127.5 + 120 * np.sin(0.05 * x + 0.07 * y + 1.3 * c + seed) + 0.5) for c in range(3)]
    from PIL import Image
    return Image.fromarray(np.stack(planes, -1).astype(np.uint8), "RGB")


def qwen_synthetic(model_dir, cfg, text_tokens, images, width, height, video_frames):
    """Qwen2VlEngine.syntheticInput: the same ids, pixel patches and grids (HF's own processor)."""
    from transformers import PreTrainedTokenizerFast
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(model_dir, "tokenizer.json"))
    ip = Qwen2VLImageProcessorPil.from_pretrained(model_dir)
    merge = cfg.vision_config.spatial_merge_size ** 2
    out = {}
    head = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
    if images:
        r = ip(images=[pattern(width, height, k) for k in range(images)], return_tensors="pt")
        out["pixel_values"], out["image_grid_thw"] = r["pixel_values"], r["image_grid_thw"]
        for g in r["image_grid_thw"].tolist():
            head += "<|vision_start|>" + "<|image_pad|>" * (g[0] * g[1] * g[2] // merge) + "<|vision_end|>"
    if video_frames:
        from transformers.models.qwen2_vl.video_processing_qwen2_vl import Qwen2VLVideoProcessor
        with open(os.path.join(model_dir, "video_preprocessor_config.json")) as f:
            vc = json.load(f)
        vp = Qwen2VLVideoProcessor(min_pixels=vc["min_pixels"], max_pixels=vc["max_pixels"], cap_pixels_per_frame=False)
        frames = np.stack([np.asarray(pattern(width, height, 100 + f)) for f in range(video_frames)])
        r = vp(videos=[frames], return_tensors="pt")
        out["pixel_values_videos"], out["video_grid_thw"] = r["pixel_values_videos"], r["video_grid_thw"]
        g = r["video_grid_thw"][0].tolist()
        head += "<|vision_start|>" + "<|video_pad|>" * (g[0] * g[1] * g[2] // merge) + "<|vision_end|>"
    special = {cfg.image_token_id, cfg.video_token_id, cfg.vision_start_token_id, cfg.vision_end_token_id}
    eos = cfg.text_config.eos_token_id
    special |= set(eos if isinstance(eos, list) else [eos])
    vocab = cfg.text_config.vocab_size
    text, c = [], 3
    for _ in range(text_tokens):
        while True:
            c = (c * 7919 + 13) % vocab
            if c not in special and c < vocab - 32:
                break
        text.append(c)
    ids = tok(head).input_ids + text + tok("<|im_end|>\n<|im_start|>assistant\n").input_ids
    out["input_ids"] = torch.tensor([ids])
    types = torch.zeros_like(out["input_ids"])
    types[out["input_ids"] == cfg.image_token_id] = 1
    types[out["input_ids"] == cfg.video_token_id] = 2
    out["mm_token_type_ids"] = types
    return out


@torch.inference_mode()
def generate_qwen(model, inputs, stages, new_tokens):
    """generate() for Qwen2-VL: the same loop with M-RoPE position ids (3 rows) and HF's own vision features."""
    lm = model.model.language_model
    cfg = model.config
    ids = inputs["input_ids"]
    t0 = now()
    feats = {}
    if "pixel_values" in inputs:
        f = model.model.get_image_features(pixel_values=inputs["pixel_values"],
                                           image_grid_thw=inputs["image_grid_thw"]).pooler_output
        feats[cfg.image_token_id] = torch.cat(list(f), 0)
    if "pixel_values_videos" in inputs:
        f = model.model.get_video_features(pixel_values_videos=inputs["pixel_values_videos"],
                                           video_grid_thw=inputs["video_grid_thw"]).pooler_output
        feats[cfg.video_token_id] = torch.cat(list(f), 0)
    t1 = now()
    h = lm.embed_tokens(ids)
    vision = torch.zeros(ids.shape[1], dtype=torch.bool, device=ids.device)
    for token, f in feats.items():
        mask = ids[0] == token
        h = h.masked_scatter(mask[None, :, None].expand_as(h), f.to(h.dtype))
        vision |= mask
    kw = {k: inputs[k] for k in ("image_grid_thw", "video_grid_thw", "mm_token_type_ids") if k in inputs}
    pos, delta = model.model.get_rope_index(ids, **kw)  # (3, 1, n), (1, 1)
    d = int(delta.reshape(-1)[0])
    return ((t1 - t0) * 1e3,) + run_decoder(model, h, vision, pos, d, stages, new_tokens, t1)


def prefill_flops(hidden, intermediate, tokens_per_layer):
    """The FLOPs formula of docs/token-dropping.md (same as Flops.prefill in the engine)."""
    return float(sum(4 * n * hidden * hidden + 2 * n * n * hidden + 3 * n * hidden * intermediate
                     for n in tokens_per_layer))


def summary(method, runs, ids, cfg, stages, new_tokens, warmup):
    """The JSON object `v2drop bench` prints, for runs of generate()."""
    med = statistics.median
    first = runs[0]
    schedule = "vanilla" if not stages else method.split("@")[0] + "@" + ",".join(f"{l}:{r:g}" for l, r in stages)
    return {
        "method": method, "schedule": schedule,
        "vision_ms": med([r[0] for r in runs]), "prefill_ms": med([r[1] for r in runs]),
        "decode_ms_per_token": med([r[2] / max(1, new_tokens - 1) for r in runs]),
        "llm_total_ms": med([r[1] + r[2] for r in runs]),
        "vision_tokens_per_layer": first[3],
        "flops": prefill_flops(cfg.text_config.hidden_size, cfg.text_config.intermediate_size, first[4]),
        "threads": torch.get_num_threads(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "prompt_tokens": int(ids.shape[1]), "vision_tokens": int(first[3][0]),
        "new_tokens": new_tokens, "warmup": warmup, "repeat": len(runs),
        "llm_total_ms_runs": [r[1] + r[2] for r in runs],
        "prefill_layer_ms": [med([r[5][l] for r in runs]) for l in range(len(first[5]))],
        "engine": f"transformers {__import__('transformers').__version__}, torch {torch.__version__}, sdpa",
        "device": str(DEVICE), "dtype": str(next(iter(MODEL_DTYPE))).replace("torch.", ""),
        "peak_device_mb": torch.cuda.max_memory_allocated(DEVICE) / 2**20 if DEVICE.type == "cuda" else None,
    }


def stages_of(method, cfg):
    name, stages = parse_method(method, cfg.text_config.num_hidden_layers)
    if name not in ("vanilla", "v2drop"):
        raise SystemExit("hf_bench.py times vanilla and v2drop only, not " + name)
    return stages


def serve(model, ids, pixels, new_tokens, run=None):
    """Answers "SPEC N" request lines from stdin, one JSON line each, until end of input."""
    run = run or (lambda stages: generate(model, ids, pixels, stages, new_tokens))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) < 1:
            raise SystemExit(f'hf_bench.py --serve: expected a request line "SPEC N" (N >= 1), found: {line!r}')
        stages = stages_of(parts[0], model.config)
        runs = [run(stages) for _ in range(int(parts[1]))]
        print(json.dumps(summary(parts[0], runs, ids, model.config, stages, new_tokens, 0)), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--method")
    ap.add_argument("--serve", action="store_true", help="answer 'SPEC N' lines on stdin (see above)")
    ap.add_argument("--prompt-tokens", type=int, default=64)
    ap.add_argument("--images", type=int, default=1)
    ap.add_argument("--new-tokens", type=int, default=16)
    ap.add_argument("--warmup", type=int, default=5, help="untimed generations first (as bin/v2drop bench)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--device", default="cpu", help="cpu or cuda[:N]")
    ap.add_argument("--dtype", default="float32", choices=["float32", "float16"])
    ap.add_argument("--image-size", default="448x448", help="WxH of each synthetic image (Qwen2-VL only)")
    ap.add_argument("--video-frames", type=int, default=0, help="one synthetic video of N frames (Qwen2-VL only)")
    args = ap.parse_args()
    global DEVICE
    DEVICE = torch.device(args.device)
    dtype = getattr(torch, args.dtype)
    MODEL_DTYPE.clear()
    MODEL_DTYPE.add(dtype)
    if args.serve == bool(args.method):
        ap.error("give exactly one of --method and --serve")
    if args.threads:
        torch.set_num_threads(args.threads)
        torch.set_num_interop_threads(1)
    with open(os.path.join(args.model, "config.json")) as f:
        model_type = json.load(f).get("model_type")
    if model_type in ("qwen2_vl", "qwen2_5_vl"):
        qwen_main(args, dtype)
        return
    if model_type == "llava_next":
        next_main(args, dtype)
        return
    model = LlavaForConditionalGeneration.from_pretrained(args.model, dtype=dtype,
                                                          attn_implementation="sdpa").eval().to(DEVICE)
    cfg = model.config
    ids, pixels = synthetic_input(cfg, args.prompt_tokens, args.images)
    ids, pixels = ids.to(DEVICE), pixels.to(DEVICE)
    if args.serve:
        serve(model, ids, pixels, args.new_tokens)
        return
    stages = stages_of(args.method, cfg)
    for _ in range(args.warmup):
        generate(model, ids, pixels, stages, args.new_tokens)
    runs = [generate(model, ids, pixels, stages, args.new_tokens) for _ in range(args.repeat)]
    print(json.dumps(summary(args.method, runs, ids, cfg, stages, args.new_tokens, args.warmup)))


def next_synthetic(model_dir, text_tokens, images):
    """LlavaNextEngine.syntheticInput: images of 2x2 tiles whose planar (3, H, W) bytes are (k * 31 + i * 17) % 251,
    then the text "<image>\\n" per image and " a" x (text_tokens - 1), through the checkpoint's own processor."""
    from transformers import AutoProcessor
    from PIL import Image
    processor = AutoProcessor.from_pretrained(model_dir)
    size = 2 * processor.image_processor.crop_size["height"]
    imgs = []
    for i in range(images):
        k = np.arange(3 * size * size, dtype=np.int64)
        planar = ((k * 31 + i * 17) % 251).astype(np.uint8).reshape(3, size, size)
        imgs.append(Image.fromarray(planar.transpose(1, 2, 0), "RGB"))
    text = "<image>\n" * images + " a" * max(0, text_tokens - 1)
    return processor(images=imgs, text=text, return_tensors="pt")


def next_main(args, dtype):
    from transformers import LlavaNextForConditionalGeneration
    model = LlavaNextForConditionalGeneration.from_pretrained(args.model, dtype=dtype,
                                                              attn_implementation="sdpa").eval().to(DEVICE)
    inputs = {k: v.to(DEVICE) for k, v in next_synthetic(args.model, args.prompt_tokens, args.images).items()}
    ids = inputs["input_ids"]
    pixels = inputs["pixel_values"].reshape(-1, *inputs["pixel_values"].shape[-3:]).to(dtype)
    run = lambda stages: generate(model, ids, pixels, stages, args.new_tokens,  # noqa: E731
                                  inputs["image_sizes"])
    if args.serve:
        serve(model, ids, None, args.new_tokens, run)
        return
    stages = stages_of(args.method, model.config)
    for _ in range(args.warmup):
        run(stages)
    runs = [run(stages) for _ in range(args.repeat)]
    print(json.dumps(summary(args.method, runs, ids, model.config, stages, args.new_tokens, args.warmup)))


def qwen_main(args, dtype):
    from transformers import AutoModelForImageTextToText
    model = AutoModelForImageTextToText.from_pretrained(args.model, dtype=dtype,
                                                        attn_implementation="sdpa").eval().to(DEVICE)
    cfg = model.config
    w, h = (int(v) for v in args.image_size.lower().split("x"))
    inputs = {k: v.to(DEVICE) for k, v in
              qwen_synthetic(args.model, cfg, args.prompt_tokens, args.images, w, h, args.video_frames).items()}
    ids = inputs["input_ids"]
    run = lambda stages: generate_qwen(model, inputs, stages, args.new_tokens)  # noqa: E731
    if args.serve:
        serve(model, ids, None, args.new_tokens, run)
        return
    stages = stages_of(args.method, cfg)
    for _ in range(args.warmup):
        run(stages)
    runs = [run(stages) for _ in range(args.repeat)]
    print(json.dumps(summary(args.method, runs, ids, cfg, stages, args.new_tokens, args.warmup)))


if __name__ == "__main__":
    main()
