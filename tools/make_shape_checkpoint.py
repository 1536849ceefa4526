"""Writes a random "shape checkpoint": a LLaVA-1.5-7B-shaped model scaled down for CPU benchmarks.

LLaVA-1.5-7B's proportions with every width divided by 4096 / --hidden (default 512, i.e. / 8):
  text:   32 layers, hidden 512, intermediate 1376 (11008 / 8), 4 heads of 128 (MHA), vocab 32064
  vision: CLIP ViT-L/14-336 shape: 24 layers, 336 px, patch 14 -> 576 tokens, hidden 128, intermediate 512, 2 heads
  vision_feature_layer -2, strategy "default", 2-layer GELU projector.
Random weights (seeded) written by transformers itself as fp16 safetensors, with a small tokenizer and the LLaVA
processor config, so both the Java engine and HF transformers load it unchanged. Benchmarks time it; nobody reads
its answers.

    python tools/make_shape_checkpoint.py --out target/shape-llava [--hidden 512] [--layers 32] [--max-shard-size 1GB]

--hidden 2048 writes a 1.8 B-parameter (3.7 GB fp16) checkpoint: the load-memory measurement in BENCHMARKS.md.

--family qwen2vl writes a Qwen2-VL-7B-shaped checkpoint instead, every width divided by 7 (3584 / 512):
  text:   28 layers, hidden 512, intermediate 2704 (18944 / 7), 4 heads of 128 with 1 kv head (the 7B: 28 and 4),
          q/k/v biases, M-RoPE mrope_section [16, 24, 24], rope_theta 1e6, vocab 152064
  vision: 32 blocks, embed_dim 160 (1280 / 8), 2 heads of 80, mlp_ratio 4, quick-GELU, patch 14, merge 2,
          temporal patch 2; the processor's max_pixels 28*28*4096 so that a large image keeps its thousands of tokens
with the tiny fixtures' byte-level tokenizer and chat template (tools/make_qwen2vl_fixtures.py).

--family llava_next writes a LLaVA-NeXT-7B-shaped (llava-v1.6-vicuna-7b) checkpoint: LLaVA-1.5-7B's shape as above
(Vicuna text, CLIP-L/14-336 tower) with AnyRes: image_grid_pinpoints [[336,672],[672,336],[672,672],[1008,336],
[336,1008]], the learned image_newline, LlavaNextProcessor with the PIL image processor; a 672x672 image becomes
2,928 vision tokens.
"""
import argparse
import os

import torch
from transformers import (CLIPImageProcessorPil, CLIPVisionConfig, LlamaConfig, LlavaConfig,
                          LlavaForConditionalGeneration, LlavaProcessor, PreTrainedTokenizerFast)

from make_fixtures import build_tokenizer


PINPOINTS = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hidden", type=int, default=512, help="text hidden size (LLaVA-1.5-7B: 4096)")
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-shard-size", default="5GB", help="safetensors shard size (transformers' format)")
    ap.add_argument("--family", default="llava", choices=["llava", "qwen2vl", "llava_next"])
    args = ap.parse_args()
    if args.family == "qwen2vl":
        qwen2vl(args)
        return
    scale = 4096 // args.hidden
    if args.hidden % 128 or 4096 % args.hidden:
        raise SystemExit("--hidden must divide 4096 and be a multiple of 128 (heads of 128)")
    tok = build_tokenizer()
    next_ = args.family == "llava_next"
    config_class = LlavaConfig
    extra = {}
    if next_:
        from transformers import LlavaNextConfig
        config_class = LlavaNextConfig
        extra = dict(image_grid_pinpoints=PINPOINTS)
    cfg = config_class(
        text_config=LlamaConfig(vocab_size=32064, hidden_size=args.hidden, intermediate_size=11008 // scale,
                                num_hidden_layers=args.layers, num_attention_heads=args.hidden // 128,
                                num_key_value_heads=args.hidden // 128, max_position_embeddings=8192,
                                rms_norm_eps=1e-5, rope_theta=10000.0, bos_token_id=1, eos_token_id=2,
                                pad_token_id=tok.token_to_id("<pad>")),
        vision_config=CLIPVisionConfig(hidden_size=1024 // scale, intermediate_size=4096 // scale,
                                       num_hidden_layers=24, num_attention_heads=max(1, 16 // scale), image_size=336,
                                       patch_size=14, hidden_act="quick_gelu", projection_dim=768 // scale),
        image_token_index=tok.token_to_id("<image>"), image_seq_length=576, vision_feature_layer=-2,
        vision_feature_select_strategy="default", projector_hidden_act="gelu", **extra)
    torch.manual_seed(args.seed)
    if next_:
        from transformers import LlavaNextForConditionalGeneration
        model = LlavaNextForConditionalGeneration(cfg).eval().to(torch.float16)
    else:
        model = LlavaForConditionalGeneration(cfg).eval().to(torch.float16)
    model.save_pretrained(args.out, max_shard_size=args.max_shard_size)
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                     pad_token="<pad>")
    if next_:
        from transformers import LlavaNextProcessor
        from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil
        ip = LlavaNextImageProcessorPil(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336},
                                        image_grid_pinpoints=PINPOINTS)
        LlavaNextProcessor(image_processor=ip, tokenizer=hf_tok, patch_size=14,
                           vision_feature_select_strategy="default",
                           num_additional_image_tokens=1).save_pretrained(args.out)
    else:
        ip = CLIPImageProcessorPil(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336})
        LlavaProcessor(image_processor=ip, tokenizer=hf_tok, patch_size=14, vision_feature_select_strategy="default",
                       num_additional_image_tokens=1).save_pretrained(args.out)
    n = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.out}: {n / 1e6:.1f} M parameters (fp16), text {args.layers} x {args.hidden}, "
          + ("AnyRes: 2,928 vision tokens for a 672x672 image" if next_ else "576 vision tokens per image"))


def qwen2vl(args):
    import json
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
    import make_qwen2vl_fixtures as q

    layers = args.layers if args.layers != 32 else 28  # the 7B's depth unless asked
    tok = q.build_tokenizer()
    ids = {s: tok.token_to_id(s) for s in q.SPECIALS}
    cfg = Qwen2VLConfig(
        text_config=dict(vocab_size=152064, hidden_size=512, intermediate_size=2704, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=32768,
                         rms_norm_eps=1e-6, bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"],
                         pad_token_id=ids["<|endoftext|>"],
                         rope_parameters=dict(rope_type="default", rope_theta=1000000.0, mrope_section=[16, 24, 24])),
        vision_config=dict(depth=32, embed_dim=160, hidden_size=512, num_heads=2, mlp_ratio=4, hidden_act="quick_gelu",
                           patch_size=14, temporal_patch_size=2, spatial_merge_size=2),
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    torch.manual_seed(args.seed)
    model = Qwen2VLForConditionalGeneration(cfg).eval().to(torch.float16)
    model.save_pretrained(args.out, max_shard_size=args.max_shard_size)
    Qwen2VLImageProcessorPil(min_pixels=56 * 56, max_pixels=28 * 28 * 4096).save_pretrained(args.out)
    tok.save(os.path.join(args.out, "tokenizer.json"))
    with open(os.path.join(args.out, "chat_template.jinja"), "w") as f:
        f.write(q.CHAT_TEMPLATE)
    with open(os.path.join(args.out, "video_preprocessor_config.json"), "w") as f:  # the video processor's bounds
        json.dump({"min_pixels": 56 * 56, "max_pixels": 28 * 28 * 4096, "patch_size": 14, "temporal_patch_size": 2,
                   "merge_size": 2, "video_processor_type": "Qwen2VLVideoProcessor"}, f, indent=2)
    n = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.out}: {n / 1e6:.1f} M parameters (fp16), Qwen2-VL-7B shape, text {layers} x 512")


if __name__ == "__main__":
    main()
