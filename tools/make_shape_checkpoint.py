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
"""
import argparse
import os

import torch
from transformers import (CLIPImageProcessorPil, CLIPVisionConfig, LlamaConfig, LlavaConfig,
                          LlavaForConditionalGeneration, LlavaProcessor, PreTrainedTokenizerFast)

from make_fixtures import build_tokenizer


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hidden", type=int, default=512, help="text hidden size (LLaVA-1.5-7B: 4096)")
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-shard-size", default="5GB", help="safetensors shard size (transformers' format)")
    args = ap.parse_args()
    scale = 4096 // args.hidden
    if args.hidden % 128 or 4096 % args.hidden:
        raise SystemExit("--hidden must divide 4096 and be a multiple of 128 (heads of 128)")
    tok = build_tokenizer()
    cfg = LlavaConfig(
        text_config=LlamaConfig(vocab_size=32064, hidden_size=args.hidden, intermediate_size=11008 // scale,
                                num_hidden_layers=args.layers, num_attention_heads=args.hidden // 128,
                                num_key_value_heads=args.hidden // 128, max_position_embeddings=8192,
                                rms_norm_eps=1e-5, rope_theta=10000.0, bos_token_id=1, eos_token_id=2,
                                pad_token_id=tok.token_to_id("<pad>")),
        vision_config=CLIPVisionConfig(hidden_size=1024 // scale, intermediate_size=4096 // scale,
                                       num_hidden_layers=24, num_attention_heads=max(1, 16 // scale), image_size=336,
                                       patch_size=14, hidden_act="quick_gelu", projection_dim=768 // scale),
        image_token_index=tok.token_to_id("<image>"), image_seq_length=576, vision_feature_layer=-2,
        vision_feature_select_strategy="default", projector_hidden_act="gelu")
    torch.manual_seed(args.seed)
    model = LlavaForConditionalGeneration(cfg).eval().to(torch.float16)
    model.save_pretrained(args.out, max_shard_size=args.max_shard_size)
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                     pad_token="<pad>")
    ip = CLIPImageProcessorPil(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336})
    LlavaProcessor(image_processor=ip, tokenizer=hf_tok, patch_size=14, vision_feature_select_strategy="default",
                   num_additional_image_tokens=1).save_pretrained(args.out)
    n = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.out}: {n / 1e6:.1f} M parameters (fp16), text {args.layers} x {args.hidden}, 576 vision "
          f"tokens per image")


if __name__ == "__main__":
    main()
