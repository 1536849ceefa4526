"""Writes the tiny LLaVA-NeXT fixtures (core/src/test/resources/fixtures/tiny-llava-next, tiny-llava-next-b):
random checkpoints written by HF transformers (LlavaNextForConditionalGeneration: a CLIP tower on 28-px tiles;
a Llama decoder in the first, a Mistral one in the second whose sliding_window (100) is shorter than its prompt, so
every layer's attention, the drop scores and decoding are windowed), their processors
(LlavaNextProcessor with the PIL image processor, named explicitly), two grid-pinpoint sets, and images of three
aspect ratios (the first fixture's two-image prompt: a wide image whose padded grid rows are unpadded and a tall one
whose columns are; the second's: a square one, nothing to unpad), with the references: HF's forward and generate
for vanilla, and tools/drop_reference.py for every method (float32 and float16). The windowed fixture also gets a
narrow-window reference (its checkpoint with sliding_window 6 and 12 new tokens: decoding then outgrows the window
too), vanilla and V2Drop, in reference-window.json.

Usage: python tools/make_llava_next_fixtures.py core/src/test/resources/fixtures [fixture name]
"""

import json
import os
import shutil
import sys

import torch
from PIL import Image
from transformers import (CLIPVisionConfig, LlamaConfig, MistralConfig, LlavaNextConfig, LlavaNextForConditionalGeneration,
                          LlavaNextProcessor, PreTrainedTokenizerFast)
from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil

import drop_reference
from make_fixtures import build_tokenizer, draw_image, randomize

METHODS = ["vanilla", "v2drop@2:0.5,4:0.25", "fastv@2:0.5", "pdrop@1:0.5,3:0.5,5:0.5", "random@2:0.3"]
MAX_NEW = 8
SPECS = [
    dict(name="tiny-llava-next", seed=31, text="llama",
         pinpoints=[[28, 56], [56, 28], [56, 56], [28, 84], [84, 28]],
         images=[(90, 40), (30, 70)],  # (w, h): wide -> rows unpadded, tall -> columns unpadded
         prompt="USER: <image>\n<image>\nWhich one is wider? ASSISTANT:"),
    dict(name="tiny-llava-next-b", seed=47, text="mistral",
         pinpoints=[[28, 28], [28, 56], [56, 28], [56, 56], [28, 84], [84, 28], [56, 84], [84, 56]],
         images=[(50, 50)],  # square: the whole 56x56 grid is kept
         window=100,  # the prompt is 115 tokens
         prompt="USER: <image>\nWhat shape is it? ASSISTANT:"),
]


# the narrow-window reference of a windowed fixture: its checkpoint with this sliding_window, more new tokens
NARROW = dict(window=6, max_new=12, methods=["vanilla", "v2drop@2:0.5,4:0.25"])


def main(out, only=None):
    for spec in SPECS:
        if only is None or spec["name"] == only:
            write(out, spec)


def write(out, spec):
    NAME, SEED, PINPOINTS, IMAGES, PROMPT = (spec["name"], spec["seed"], spec["pinpoints"], spec["images"],
                                            spec["prompt"])
    d = os.path.join(out, NAME)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "images"))
    tok = build_tokenizer()
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                     pad_token="<pad>")
    text = dict(vocab_size=tok.get_vocab_size(), bos_token_id=1, eos_token_id=2,
                pad_token_id=tok.token_to_id("<pad>"), max_position_embeddings=1024,
                hidden_size=64, intermediate_size=128, num_hidden_layers=6,
                num_attention_heads=4, num_key_value_heads=2)
    text_config = (LlamaConfig(**text) if spec["text"] == "llama"
                   else MistralConfig(sliding_window=spec["window"], head_dim=16, **text))
    cfg = LlavaNextConfig(
        text_config=text_config,
        vision_config=CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                       num_attention_heads=4, image_size=28, patch_size=7),
        image_token_index=tok.token_to_id("<image>"), image_grid_pinpoints=PINPOINTS,
        vision_feature_layer=-2, vision_feature_select_strategy="default", projector_hidden_act="gelu")
    cfg._attn_implementation = "eager"
    torch.manual_seed(SEED)
    model = LlavaNextForConditionalGeneration(cfg).eval()
    randomize(model, SEED, 0.08)
    model.save_pretrained(d)
    ip = LlavaNextImageProcessorPil(size={"shortest_edge": 28}, crop_size={"height": 28, "width": 28},
                                    image_grid_pinpoints=PINPOINTS)
    processor = LlavaNextProcessor(image_processor=ip, tokenizer=hf_tok, patch_size=7,
                                   vision_feature_select_strategy="default", num_additional_image_tokens=1)
    processor.save_pretrained(d)
    files = []
    for i, (w, h) in enumerate(IMAGES):
        f = f"images/img{i}_{w}x{h}_RGB.png"
        draw_image(w, h, SEED * 10 + i, "RGB").save(os.path.join(d, f))
        files.append(f)

    for dtype, (ref_file, attn, atol) in REFERENCES.items():
        write_reference(d, spec, files, tok, processor, dtype, ref_file, attn, atol, METHODS, MAX_NEW)
    if "window" in spec:
        write_reference(d, spec, files, tok, processor, torch.float32, "reference-window.json", "eager", 1e-4,
                        NARROW["methods"], NARROW["max_new"], NARROW["window"])


# compute dtype -> (reference file, attention implementation, logits tolerance of the self-check against HF),
# as tools/make_fixtures.py
REFERENCES = {torch.float32: ("reference.json", "eager", 1e-4), torch.float16: ("reference-fp16.json", "sdpa", 2e-2)}


def write_reference(d, spec, files, tok, processor, dtype, ref_file, attn, atol, methods, max_new, window=None):
    cfg = LlavaNextConfig.from_pretrained(d)
    if window is not None:  # the same weights under another sliding window
        cfg.text_config.sliding_window = window
    model = LlavaNextForConditionalGeneration.from_pretrained(d, config=cfg, dtype=dtype,
                                                              attn_implementation=attn).eval()
    assert getattr(model.model.language_model.config, "sliding_window", None) == (window or spec.get("window"))
    images = [Image.open(os.path.join(d, f)) for f in files]
    inputs = processor(images=images, text=spec["prompt"], return_tensors="pt")
    eos = [2]
    ref = {"fixture_version": 1, "regenerate": "python tools/make_llava_next_fixtures.py core/src/test/resources/fixtures",
           "transformers": __import__("transformers").__version__, "torch": torch.__version__,
           "dtype": str(dtype).replace("torch.", ""), "attn_implementation": attn, "prompt": spec["prompt"],
           "images": files, "sample_id": "trace", "max_new_tokens": max_new,
           "sliding_window": getattr(model.model.language_model.config, "sliding_window", None),
           "input_ids": inputs["input_ids"][0].tolist(), "image_sizes": inputs["image_sizes"].tolist(),
           "pixel_values_shape": list(inputs["pixel_values"].shape),
           "pixel_values_sum": float(inputs["pixel_values"].double().sum())}
    with torch.no_grad():
        out_ = model(**inputs)
        ref["hf_last_logits_top5"] = drop_reference.topk_json(out_.logits[0, -1].float())
        gen = model.generate(**inputs, max_new_tokens=max_new, do_sample=False, num_beams=1, eos_token_id=eos,
                             pad_token_id=tok.token_to_id("<pad>"))
    n = inputs["input_ids"].shape[1]
    ref["hf_generated_ids"] = gen[0, n:].tolist()
    ref["hf_text"] = processor.tokenizer.decode(ref["hf_generated_ids"], skip_special_tokens=True)
    ref["methods"] = drop_reference.method_references(
        model, inputs, methods, max_new, eos, dtype != torch.float32,
        lambda ids: processor.tokenizer.decode(ids, skip_special_tokens=True), ref["hf_generated_ids"],
        out_.logits[0, -1].float(), atol)
    with open(os.path.join(d, ref_file), "w") as f:
        json.dump(ref, f, indent=1)
    image_token = tok.token_to_id("<image>")
    print(spec["name"], ref_file, ref["dtype"], "window", ref["sliding_window"], "prompt", n, "vision", sum(1 for t in ref["input_ids"] if t == image_token),
          "pixels", ref["pixel_values_shape"], "hf ids", ref["hf_generated_ids"])
    for m, r in ref["methods"].items():
        print("  ", m, [len(s["kept_positions"]) for s in r["stages"]], r["generated_ids"])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "core/src/test/resources/fixtures",
         sys.argv[2] if len(sys.argv) > 2 else None)
