"""Writes the tiny Qwen2-VL / Qwen2.5-VL conformance checkpoints and their reference outputs, computed by HF
transformers itself (the version pinned in tools/requirements.txt; torchvision absent, so the PIL image processor).

Regenerate (offline, CPU, a few seconds) in a venv of tools/requirements.txt plus tools/requirements-video.txt
(torchvision, installed with --no-deps: HF's Qwen2-VL processor needs its video processor, which needs torchvision's
Python transforms; this script stubs the CUDA build's op registrations before importing it and names the PIL image
processor explicitly, so images are resized exactly as tools/make_qwen2vl_processor_fixture.py checks):
    python3 -m venv /tmp/v2venv-tv && /tmp/v2venv-tv/bin/pip install -r tools/requirements.txt
    /tmp/v2venv-tv/bin/pip install --no-deps -r tools/requirements-video.txt
    /tmp/v2venv-tv/bin/python tools/make_qwen2vl_fixtures.py core/src/test/resources/fixtures

Two checkpoints that differ the way real ones do:
  tiny-qwen2vl:  Qwen2-VL, float16 in one file in the layout transformers 4.52-4.57 wrote (model.visual.*,
                 model.language_model.*, lm_head.*), the nested text_config with rope_parameters.mrope_section that
                 transformers 5.x writes, quick-GELU tower, GQA decoder.
  tiny-qwen25vl: Qwen2.5-VL, bfloat16 in shards with model.safetensors.index.json in the Hub layout (visual.*,
                 model.*, lm_head.*) with the older top-level config keys and rope_scaling {type: mrope}, a flat
                 preprocessor_config.json and video_preprocessor_config.json with top-level min_pixels / max_pixels; RMSNorm /
                 SwiGLU tower with window attention (window_size 112 = 4x4 merged units) and one full-attention block.
Both share a byte-level BPE tokenizer with Qwen's special tokens.

Per checkpoint, reference.json: a prompt of two images and a five-frame video in the Qwen2-VL chat template (the checkpoint's own, rendered by
the processor) and, as tools/make_fixtures.py writes them for LLaVA, HF's input ids, pixel sum, last-position top-5
logits and greedy ids (vanilla: its own forward and generate), then for every method the independent dropping
reference's (tools/drop_reference.py) kept positions, top-5 logits and greedy ids: float32 compute with eager
attention; reference-fp16.json the same in float16 with sdpa attention, each stage's decision margin included.
Before writing, the reference's vanilla run is checked against HF's forward and generate.

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
import types

# torchvision 0.28.0 of the local index is a CUDA build whose compiled ops do not register against CPU torch; the
# Python transforms HF's video processors use work once this module is stubbed before torchvision is imported.
sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))

import numpy as np
import torch

import drop_reference
from PIL import Image
from safetensors.torch import load_file, save_file
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (PreTrainedTokenizerFast, Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration,
                          Qwen2VLConfig, Qwen2VLForConditionalGeneration, Qwen2VLProcessor)
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


# the chat template of the Qwen2-VL / Qwen2.5-VL Instruct checkpoints (their tokenizer_config.json)
CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
    "{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}"
    "<|im_end|>\n{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' or 'image' in "
    "content or 'image_url' in content %}{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}"
    "Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == "
    "'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}{% if add_vision_id %}Video "
    "{{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>{% elif 'text' in content %}"
    "{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}"
    "<|im_start|>assistant\n{% endif %}")


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


def hub_processor(d):
    """The Hub checkpoints' processor files: a flat preprocessor_config.json with top-level min_pixels / max_pixels
    in place of transformers 5's nested processor_config.json."""
    path = os.path.join(d, "processor_config.json")
    with open(path) as fh:
        nested = json.load(fh)
    os.remove(path)
    for key, name in (("image_processor", "preprocessor_config.json"),
                      ("video_processor", "video_preprocessor_config.json")):
        conf = nested[key]
        size = conf.pop("size")
        conf["min_pixels"], conf["max_pixels"] = size["shortest_edge"], size["longest_edge"]
        with open(os.path.join(d, name), "w") as fh:
            json.dump(conf, fh, indent=2)


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
    os.makedirs(os.path.join(d, "video"))
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
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    Qwen2VLProcessor(image_processor=Qwen2VLImageProcessorPil(min_pixels=spec["min_pixels"],
                                                              max_pixels=spec["max_pixels"]),
                     tokenizer=hf_tok, video_processor=video_processor(),
                     chat_template=CHAT_TEMPLATE).save_pretrained(d)
    spec.get("rewrite_processor", lambda d: None)(d)
    for i, (w, h) in enumerate(spec["images"]):
        draw_image(w, h, spec["seed"] * 10 + i).save(os.path.join(d, "images", f"{i:02d}-{w}x{h}.png"))
    for f in range(VIDEO_FRAMES):
        draw_image(*VIDEO_SIZE, spec["seed"] * 100 + f).save(os.path.join(d, video_frame(f)))

    # the written model in float32 (its stored values, as a float32 load sees them)
    written = model.float()
    spec["written_attn"] = written.config._attn_implementation

    def written_features(pv, grid):
        with torch.no_grad():
            return written.model.visual(pv, grid_thw=grid).pooler_output

    spec["written_features"] = written_features
    write_vision_reference(d, spec, spec["model_cls"])
    for dtype in REFERENCES:
        write_reference(d, spec, dtype)


# compute dtype -> (reference file, attention implementation, logits tolerance of the self-check against HF)
REFERENCES = {torch.float32: ("reference.json", "eager", 1e-4), torch.float16: ("reference-fp16.json", "sdpa", 2e-2)}


# one video of an odd frame count (HF pads it to whole temporal patches by repeating the last frame), its frames at a
# size the video processor keeps (a multiple of 28 within its pixel bounds): HF resizes video frames with
# torchvision's bicubic, the engine with PIL's, and the two differ by up to one uint8 level
VIDEO_FRAMES = 5
VIDEO_SIZE = (84, 56)
VIDEO_FPS = 2.0  # the frame rate the engine assumes for a video given as frames (qwen-vl-utils' default)


def video_frame(f):
    return f"video/frame{f}-{VIDEO_SIZE[0]}x{VIDEO_SIZE[1]}.png"


def video_processor():
    # imported here: torchvision is needed for videos only (tools/make_shape_checkpoint.py imports this module)
    from transformers.models.qwen2_vl.video_processing_qwen2_vl import Qwen2VLVideoProcessor
    return Qwen2VLVideoProcessor(min_pixels=56 * 56, max_pixels=28 * 28 * 8, cap_pixels_per_frame=False)


def write_reference(d, spec, dtype):
    ref_file, attn, atol = REFERENCES[dtype]
    files = [f"images/{i:02d}-{w}x{h}.png" for i, (w, h) in enumerate(spec["images"])]
    images = [Image.open(os.path.join(d, f)) for f in files]
    frame_files = [video_frame(f) for f in range(VIDEO_FRAMES)]
    video = np.stack([np.asarray(Image.open(os.path.join(d, f)).convert("RGB")) for f in frame_files])
    model = spec["model_cls"].from_pretrained(d, dtype=dtype, attn_implementation=attn).eval()
    # the pieces named, not AutoProcessor's choice: the PIL image processor
    processor = Qwen2VLProcessor(image_processor=Qwen2VLImageProcessorPil.from_pretrained(d),
                                 tokenizer=PreTrainedTokenizerFast.from_pretrained(d),
                                 video_processor=video_processor(), chat_template=CHAT_TEMPLATE)
    messages = [{"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": [{"type": "image"}] * len(images) + [{"type": "video"}]
                 + [{"type": "text", "text": spec["question"]}]}]
    prompt = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    from transformers.video_utils import VideoMetadata
    metadata = VideoMetadata(total_num_frames=VIDEO_FRAMES, fps=VIDEO_FPS, frames_indices=list(range(VIDEO_FRAMES)))
    inputs = processor(images=images, videos=[video], video_metadata=[metadata], text=[prompt], return_tensors="pt")
    eos = [processor.tokenizer.convert_tokens_to_ids("<|im_end|>")]
    ref = {"fixture_version": FIXTURE_VERSION, "regenerate": REGENERATE,
           "transformers": __import__("transformers").__version__, "torch": torch.__version__,
           "dtype": str(dtype).replace("torch.", ""), "attn_implementation": attn, "prompt": prompt, "images": files, "sample_id": "trace",
           "videos": [frame_files], "video_fps": VIDEO_FPS,
           "max_new_tokens": spec["max_new_tokens"], "input_ids": inputs["input_ids"][0].tolist(),
           "image_grid_thw": inputs["image_grid_thw"].tolist(), "video_grid_thw": inputs["video_grid_thw"].tolist(),
           # the patch rows the tower receives, images' then the video's (prompt order here)
           "pixel_values_shape": [inputs["pixel_values"].shape[0] + inputs["pixel_values_videos"].shape[0],
                                  inputs["pixel_values"].shape[1]],
           "pixel_values_sum": float(inputs["pixel_values"].double().sum()
                                     + inputs["pixel_values_videos"].double().sum())}
    with torch.no_grad():
        out = model(**inputs)
        ref["hf_last_logits_top5"] = drop_reference.topk_json(out.logits[0, -1].float())
        gen = model.generate(**inputs, max_new_tokens=spec["max_new_tokens"], do_sample=False, num_beams=1,
                             eos_token_id=eos, pad_token_id=processor.tokenizer.pad_token_id)
    n_prompt = inputs["input_ids"].shape[1]
    ref["hf_generated_ids"] = gen[0, n_prompt:].tolist()
    ref["hf_text"] = processor.tokenizer.decode(ref["hf_generated_ids"], skip_special_tokens=True)
    methods = drop_reference.method_references(
        model, inputs, spec["methods"], spec["max_new_tokens"], eos, dtype != torch.float32,
        lambda ids: processor.tokenizer.decode(ids, skip_special_tokens=True), ref["hf_generated_ids"],
        out.logits[0, -1].float(), atol)
    ref["methods"] = methods
    with open(os.path.join(d, ref_file), "w") as f:
        json.dump(ref, f, indent=1)
    image_token = processor.tokenizer.convert_tokens_to_ids("<|image_pad|>")
    video_token = processor.tokenizer.convert_tokens_to_ids("<|video_pad|>")
    print(spec["name"], ref["dtype"], "prompt tokens", n_prompt, "image", sum(1 for t in ref["input_ids"] if t == image_token),
          "video", sum(1 for t in ref["input_ids"] if t == video_token), ref.get("video_grid_thw"),
          "hf ids", ref["hf_generated_ids"])
    for m, r in methods.items():
        print("  ", m, r["schedule"], [len(s["kept_positions"]) for s in r["stages"]], r["generated_ids"],
              "min margin %.4f" % min(r["top2_margins"]), [s.get("decision_margin") for s in r["stages"]])


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
        question="Describe the two pictures and the video.", max_new_tokens=8,
        methods=["vanilla", "v2drop@2:0.5,4:0.25", "v2drop@1:0.5,3:0.5,4:0", "fastv@2:0.5", "pdrop@1:0.5,3:0.5,5:0.5",
                 "random@2:0.3"],
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
        question="What color is the square in the video?", max_new_tokens=8,
        methods=["vanilla", "v2drop@1:0.5,5:0.5,6:0", "v2drop@1:0.27,4:0.27,6:0", "fastv@3:0.25",
                 "pdrop@2:0.5,4:0.5,6:0.5", "random@3:0.5"],
        rewrite=legacy_config,  # save_pretrained writes the Hub key layout itself
        rewrite_processor=hub_processor)
    for spec in (qwen2, qwen25):
        write_fixture(out, spec, tok)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "core/src/test/resources/fixtures")
