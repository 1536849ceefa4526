"""Greedy answers of HF transformers (CPU, fp32) for ShapesVQA prompts: the reference the Java engine is checked
against (docs: issue "parity of evaluation").

    python tools/hf_answers.py --model models/shapes-llava-v2 --prompts DIR/_prompts/test.parquet \
        --per-task 50 --out jobs/src/test/resources/parity/shapes-llava-v2-hf-answers.json

Reads the suite's prompts file (the exact prompts the Java evaluator builds), takes the first N samples of each task,
preprocesses images with the checkpoint's own (PIL) image processor and decodes greedily with max_new_tokens 16.
"""
import argparse
import io
import json

import pyarrow.parquet as pq
import torch
import transformers
from PIL import Image
from transformers import LlavaForConditionalGeneration, LlavaProcessor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompts", required=True)
    ap.add_argument("--per-task", type=int, default=50)
    ap.add_argument("--max-new-tokens", type=int, default=16)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.manual_seed(0)
    model = LlavaForConditionalGeneration.from_pretrained(args.model, dtype=torch.float32).eval()
    processor = LlavaProcessor.from_pretrained(args.model, use_fast=False)
    rows = pq.read_table(args.prompts).to_pylist()
    taken, out = {}, []
    for r in rows:
        if taken.get(r["task"], 0) >= args.per_task:
            continue
        taken[r["task"]] = taken.get(r["task"], 0) + 1
        images = [Image.open(io.BytesIO(i["bytes"])).convert("RGB") for i in r["images"]]
        inputs = processor(images=images, text=r["prompt"], return_tensors="pt")
        with torch.no_grad():
            gen = model.generate(**inputs, max_new_tokens=args.max_new_tokens, do_sample=False, num_beams=1,
                                 output_scores=True, return_dict_in_generate=True,
                                 pad_token_id=processor.tokenizer.pad_token_id)
        ids = gen.sequences[0, inputs["input_ids"].shape[1]:].tolist()
        margins = [float(torch.topk(s[0], 2).values.diff().abs()) for s in gen.scores]
        out.append({"task": r["task"], "sample_id": r["sample_id"], "generated_ids": ids,
                    "response": processor.tokenizer.decode(ids, skip_special_tokens=True), "top2_margins": margins})
    with open(args.out, "w") as f:
        json.dump({"fixture_version": 1, "model": args.model, "transformers": transformers.__version__,
                   "torch": torch.__version__, "max_new_tokens": args.max_new_tokens, "answers": out}, f, indent=0)
    print(f"wrote {len(out)} answers to {args.out}")


if __name__ == "__main__":
    main()
