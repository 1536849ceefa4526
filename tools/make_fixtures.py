"""Writes the tiny LLaVA conformance fixtures and their reference outputs (computed by HF transformers itself and by
the independent dropping reference in drop_reference.py).

Regenerate (offline, CPU, a few seconds):
    python3 -m venv /tmp/v2venv && /tmp/v2venv/bin/pip install -r tools/requirements.txt
    /tmp/v2venv/bin/python tools/make_fixtures.py core/src/test/resources/fixtures
    /tmp/v2venv/bin/python tools/make_fixtures.py --references-only core/src/test/resources/fixtures
      (keeps the checkpoints and images, rewrites only the reference files)

Each fixture gets two reference sets from the same checkpoint: reference.json (float32 compute, eager attention)
and reference-fp16.json (float16 weights and compute, sdpa attention: what HF, lmms-eval and the paper run on GPUs).
The float16 set records each drop stage's decision margin and each greedy step's top-2 margin, so that the engine's
float16 test can tell rounding from a bug.

Two checkpoints that differ the way real ones do:
  tiny-llava-a: MHA, fp16 single file as transformers 5.x writes it (language_model.model.*, vision_tower.embeddings.*,
                rope_parameters), flat preprocessor_config.json (CLIP resize + center crop), strategy "default",
                vision_feature_layer -2, quick_gelu, 1 image (odd-sized RGB PNG).
  tiny-llava-b: GQA, llama3 RoPE scaling, bf16 in 3 shards with model.safetensors.index.json in the recent
                (model.language_model.*, model.vision_tower.vision_model.*, lm_head.*) layout with legacy rope keys,
                nested processor_config.json with LlavaImageProcessor do_pad, strategy "full",
                vision_feature_layer -1, exact gelu, 3 images (RGB, grey, RGBA PNGs).
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (CLIPImageProcessorPil, CLIPVisionConfig, LlamaConfig, LlavaConfig,
                          LlavaForConditionalGeneration, LlavaImageProcessorPil, LlavaProcessor,
                          PreTrainedTokenizerFast)

import drop_reference

FIXTURE_VERSION = 1
REGENERATE = "python tools/make_fixtures.py core/src/test/resources/fixtures"

COLORS = ["red", "green", "blue", "yellow", "purple", "orange", "black", "white", "gray", "brown"]
SHAPES = ["circle", "square", "triangle", "star", "cross", "ring", "diamond"]
WORDS = ["what", "is", "the", "color", "of", "shape", "left", "right", "above", "below", "how", "many", "are",
         "there", "in", "image", "picture", "answer", "question", "using", "a", "single", "word", "or", "phrase",
         "yes", "no", "compare", "three", "pictures", "describe", "frame", "first", "last", "one", "two", "four"]


def build_tokenizer():
    """A Llama-style tokenizer (Metaspace, BPE, <s> BOS via the post-processor, <image> as added special token)."""
    rng = np.random.default_rng(0)
    corpus = []
    for _ in range(3000):
        n = int(rng.integers(3, 12))
        words = rng.choice(WORDS + COLORS + SHAPES, n)
        corpus.append(" ".join(words).capitalize() + rng.choice(["?", ".", "!", ":"]))
    corpus += ["USER: ASSISTANT: A chat between a curious human and an artificial intelligence assistant."]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    tok.decoder = decoders.Sequence([decoders.Replace("\u2581", " "), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<unk>", "<s>", "</s>"],
                                  initial_alphabet=list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;?!'\n\u2581"))
    tok.train_from_iterator(corpus, trainer)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                       special_tokens=[("<s>", 1)])
    tok.add_special_tokens(["<image>", "<pad>"])
    return tok


def draw_image(width, height, seed, mode):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    # smooth-ish structure plus a bright rectangle so that resampling matters
    yy, xx = np.mgrid[0:height, 0:width]
    a[..., 0] = (a[..., 0] // 4 + (xx * 255 // max(1, width - 1)) * 3 // 4).astype(np.uint8)
    a[height // 3: height // 2, width // 4: width // 2, :] = [250, 30, 60]
    img = Image.fromarray(a, "RGB")
    if mode == "L":
        img = img.convert("L")
    elif mode == "RGBA":
        alpha = Image.fromarray(rng.integers(0, 256, (height, width), dtype=np.uint8), "L")
        img = img.convert("RGBA")
        img.putalpha(alpha)
    return img


def randomize(model, seed, std):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or "layer_norm" in name or "layrnorm" in name:
                if name.endswith("weight"):
                    p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
                else:
                    p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(std * torch.randn(p.shape, generator=g))


def write_fixture(out, spec, tok):
    name = spec["name"]
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "images"))
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                     pad_token="<pad>")
    image_token_id = tok.token_to_id("<image>")
    vocab = tok.get_vocab_size()
    cfg = LlavaConfig(
        text_config=LlamaConfig(vocab_size=vocab, bos_token_id=1, eos_token_id=2, pad_token_id=tok.token_to_id("<pad>"),
                                max_position_embeddings=512, **spec["text"]),
        vision_config=CLIPVisionConfig(**spec["vision"]),
        image_token_index=image_token_id, image_seq_length=spec["image_seq_length"],
        vision_feature_layer=spec["feature_layer"], vision_feature_select_strategy=spec["strategy"],
        projector_hidden_act="gelu")
    cfg._attn_implementation = "eager"
    torch.manual_seed(spec["seed"])
    model = LlavaForConditionalGeneration(cfg).eval()
    randomize(model, spec["seed"], spec["std"])
    model = model.to(spec["dtype"])
    model.save_pretrained(d, max_shard_size=spec.get("max_shard_size", "5GB"))
    spec["rewrite"](d)

    ip = spec["image_processor"]
    processor = LlavaProcessor(image_processor=ip, tokenizer=hf_tok, patch_size=spec["vision"]["patch_size"],
                               vision_feature_select_strategy=spec["strategy"], num_additional_image_tokens=1)
    processor.save_pretrained(d)
    spec["rewrite_processor"](d)

    for i, (w, h, mode) in enumerate(spec["images"]):
        draw_image(w, h, spec["seed"] * 10 + i, mode).save(os.path.join(d, image_file(i, w, h, mode)))
    write_references(out, spec, tok)


def image_file(i, w, h, mode):
    return f"images/img{i}_{w}x{h}_{mode}.png"


# compute dtype -> (reference file, attention implementation, logits tolerance of the self-check against HF)
REFERENCES = {torch.float32: ("reference.json", "eager", 1e-4), torch.float16: ("reference-fp16.json", "sdpa", 2e-2)}


def write_references(out, spec, tok):
    for dtype in REFERENCES:
        write_reference(out, spec, tok, dtype)


def write_reference(out, spec, tok, dtype):
    name = spec["name"]
    d = os.path.join(out, name)
    ref_file, attn, atol = REFERENCES[dtype]
    image_token_id = tok.token_to_id("<image>")
    files = [image_file(i, w, h, mode) for i, (w, h, mode) in enumerate(spec["images"])]
    images = [Image.open(os.path.join(d, f)) for f in files]

    # Reload exactly what was written, in the compute dtype, as a user of the checkpoint would.
    model = LlavaForConditionalGeneration.from_pretrained(d, dtype=dtype, attn_implementation=attn).eval()
    processor = LlavaProcessor.from_pretrained(d)
    inputs = processor(images=images, text=spec["prompt"], return_tensors="pt")
    eos = [2]
    ref = {"fixture_version": FIXTURE_VERSION, "regenerate": REGENERATE, "transformers": __import__("transformers").__version__,
           "torch": torch.__version__, "dtype": str(dtype).replace("torch.", ""), "attn_implementation": attn,
           "prompt": spec["prompt"], "images": files, "sample_id": "trace",
           "max_new_tokens": spec["max_new_tokens"], "input_ids": inputs["input_ids"][0].tolist(),
           "pixel_values_shape": list(inputs["pixel_values"].shape),
           "pixel_values": [round(float(x), 6) for x in inputs["pixel_values"].flatten()],
           "pixel_values_sum": float(inputs["pixel_values"].double().sum())}
    with torch.no_grad():
        out = model(**inputs)
        ref["hf_last_logits_top5"] = drop_reference.topk_json(out.logits[0, -1].float())
        gen = model.generate(**inputs, max_new_tokens=spec["max_new_tokens"], do_sample=False, num_beams=1,
                             output_scores=True, return_dict_in_generate=True, eos_token_id=eos,
                             pad_token_id=tok.token_to_id("<pad>"))
    n_prompt = inputs["input_ids"].shape[1]
    ref["hf_generated_ids"] = gen.sequences[0, n_prompt:].tolist()
    ref["hf_text"] = processor.tokenizer.decode(ref["hf_generated_ids"], skip_special_tokens=True)
    methods = drop_reference.method_references(
        model, inputs, spec["methods"], spec["max_new_tokens"], eos, dtype != torch.float32,
        lambda ids: processor.tokenizer.decode(ids, skip_special_tokens=True), ref["hf_generated_ids"],
        out.logits[0, -1].float(), atol)
    ref["methods"] = methods
    with open(os.path.join(d, ref_file), "w") as f:
        json.dump(ref, f, indent=1)
    print(name, ref["dtype"], "prompt tokens", n_prompt, "vision", sum(1 for t in ref["input_ids"] if t == image_token_id),
          "hf ids", ref["hf_generated_ids"])
    for m, r in methods.items():
        print("  ", m, r["schedule"], [len(s["kept_positions"]) for s in r["stages"]], r["generated_ids"],
              "min margin %.4f" % min(r["top2_margins"]),
              "decision margins", [s.get("decision_margin") for s in r["stages"]])


def rename_keys(d, fn):
    """Rewrites every safetensors file (and the index) in d with keys renamed by fn, keeping dtype and sharding."""
    index_path = os.path.join(d, "model.safetensors.index.json")
    files = sorted(f for f in os.listdir(d) if f.endswith(".safetensors"))
    for f in files:
        tensors = load_file(os.path.join(d, f))
        save_file({fn(k): v.contiguous() for k, v in tensors.items()}, os.path.join(d, f), metadata={"format": "pt"})
    if os.path.exists(index_path):
        with open(index_path) as fh:
            index = json.load(fh)
        index["weight_map"] = {fn(k): v for k, v in index["weight_map"].items()}
        with open(index_path, "w") as fh:
            json.dump(index, fh, indent=2)


def edit_json(path, fn):
    with open(path) as fh:
        data = json.load(fh)
    data = fn(data)
    with open(path, "w") as fh:
        json.dump(data, fh, indent=2)


def recent_layout(key):
    if key.startswith("language_model.lm_head."):
        return key[len("language_model."):]
    if key.startswith("language_model.model."):
        return "model.language_model." + key[len("language_model.model."):]
    if key.startswith("vision_tower."):
        return "model.vision_tower.vision_model." + key[len("vision_tower."):]
    if key.startswith("multi_modal_projector."):
        return "model." + key
    return key


def legacy_rope(cfg):
    tc = cfg["text_config"]
    rp = tc.pop("rope_parameters")
    tc["rope_theta"] = rp.pop("rope_theta")
    rtype = rp.pop("rope_type")
    tc["rope_scaling"] = None if rtype == "default" else dict(rope_type=rtype, **rp)
    cfg["torch_dtype"] = cfg.pop("dtype")
    return cfg


def flat_processor(d):
    """Hub layout: preprocessor_config.json (flat image processor) + processor_config.json without it."""
    with open(os.path.join(d, "processor_config.json")) as fh:
        pc = json.load(fh)
    ip = pc.pop("image_processor")
    with open(os.path.join(d, "preprocessor_config.json"), "w") as fh:
        json.dump(dict(ip, processor_class="LlavaProcessor"), fh, indent=2)
    with open(os.path.join(d, "processor_config.json"), "w") as fh:
        json.dump(pc, fh, indent=2)


def write_resize_vectors(out):
    """PIL bicubic resizes of small odd-sized images (down and up, each axis alone and both), as raw RGB bytes."""
    cases = []
    for i, (w, h, tw, th) in enumerate([(45, 31, 28, 19), (23, 37, 35, 56), (33, 30, 33, 17), (41, 27, 20, 27),
                                        (17, 9, 61, 5)]):
        img = draw_image(w, h, 1000 + i, "RGB")
        resized = img.resize((tw, th), resample=Image.BICUBIC)
        cases.append({"width": w, "height": h, "target_width": tw, "target_height": th,
                      "source_rgb": list(img.tobytes()), "resized_rgb": list(resized.tobytes())})
    with open(os.path.join(out, "pil-resize-vectors.json"), "w") as f:
        json.dump({"fixture_version": FIXTURE_VERSION, "pillow": Image.__version__, "regenerate": REGENERATE,
                   "cases": cases}, f)


def main(out, references_only=False):
    os.makedirs(out, exist_ok=True)
    if not references_only:
        write_resize_vectors(out)
    tok = build_tokenizer()
    a = dict(
        name="tiny-llava-a", seed=11, std=0.08, dtype=torch.float16,
        text=dict(hidden_size=64, intermediate_size=160, num_hidden_layers=6, num_attention_heads=4,
                  num_key_value_heads=4, rms_norm_eps=1e-5, rope_theta=10000.0, initializer_range=0.08),
        vision=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2, image_size=28,
                    patch_size=7, hidden_act="quick_gelu", projection_dim=32, layer_norm_eps=1e-5),
        image_seq_length=16, feature_layer=-2, strategy="default",
        image_processor=CLIPImageProcessorPil(size={"shortest_edge": 28}, crop_size={"height": 28, "width": 28}),
        images=[(45, 31, "RGB")],
        prompt="USER: <image>\nWhat color is the circle? ASSISTANT:",
        max_new_tokens=8,
        methods=["vanilla", "v2drop@2:0.5,4:0.25", "v2drop@1:0.5,3:0.5,4:0", "fastv@2:0.5", "pdrop@1:0.5,3:0.5,5:0.5",
                 "random@2:0.3"],
        rewrite=lambda d: None, rewrite_processor=flat_processor)
    b = dict(
        name="tiny-llava-b", seed=23, std=0.08, dtype=torch.bfloat16, max_shard_size="300KB",
        text=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=8, num_attention_heads=4,
                  num_key_value_heads=2, rms_norm_eps=1e-6,
                  rope_parameters=dict(rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0,
                                       high_freq_factor=4.0, original_max_position_embeddings=64),
                  initializer_range=0.08),
        vision=dict(hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4, image_size=35,
                    patch_size=7, hidden_act="gelu", projection_dim=32, layer_norm_eps=1e-5),
        image_seq_length=26, feature_layer=-1, strategy="full",
        image_processor=LlavaImageProcessorPil(size={"shortest_edge": 35}, crop_size={"height": 35, "width": 35},
                                               do_pad=True),
        images=[(41, 27, "RGB"), (23, 37, "L"), (33, 30, "RGBA")],
        prompt="USER: <image>\n<image>\n<image>\nCompare the three pictures. ASSISTANT:",
        max_new_tokens=8,
        methods=["vanilla", "v2drop@1:0.5,5:0.5,6:0", "v2drop@1:0.27,4:0.27,6:0", "fastv@3:0.25", "pdrop@2:0.5,4:0.5,6:0.5",
                 "random@3:0.5"],
        rewrite=lambda d: (rename_keys(d, recent_layout), edit_json(os.path.join(d, "config.json"), legacy_rope)),
        rewrite_processor=lambda d: None)
    for spec in (a, b):
        if references_only:
            write_references(out, spec, tok)
        else:
            write_fixture(out, spec, tok)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--references-only"]
    main(args[0] if args else "core/src/test/resources/fixtures", "--references-only" in sys.argv[1:])
