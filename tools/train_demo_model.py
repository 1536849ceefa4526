"""Trains the ShapesVQA demo model: a small LlavaForConditionalGeneration written as a normal HF checkpoint.

Input: the suite's `_prompts/<split>.parquet` files written by `bin/v2drop shapes --split both --out DIR` (every
sample's exact LLaVA-1.5 prompt, its images and the answer a perfect model gives). The prompts are the ones the Java
evaluator builds, so the model is trained on exactly what it is evaluated on.

    python tools/train_demo_model.py --suite DIR --out models/shapes-llava [--steps 6000] [--device auto]

Two stages. Stage 0 (--vision-steps) trains the CLIP tower alone on dense per-patch targets: each patch's colour
(exact ShapesVQA palette) and, for caption images, its shape (the caption lists the objects left to right; they are
matched to the drawn connected components). Without it every run stayed on the answer-prior plateau. The joint stage
trains everything on the task prompts plus captions, keeping the dense targets as an auxiliary loss (--aux-weight).

Runs on CPU (2 cores: see --steps) and uses a GPU when one is present. Fixed seeds; the checkpoint is fp16
safetensors + tokenizer.json + processor config + training_info.json (command, versions, time, losses). The command
that made models/shapes-llava-v2 is in its training_info.json and in the README.
"""
import argparse
import copy
import io
import json
import math
import os
import platform
import random
import sys
import time

import numpy as np
import pyarrow.parquet as pq
import torch
from PIL import Image
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import (CLIPImageProcessorPil, CLIPVisionConfig, LlamaConfig, LlavaConfig,
                          LlavaForConditionalGeneration, LlavaProcessor, PreTrainedTokenizerFast)

IMAGE_SIZE = 96
# ShapesVQA's drawing palette (jobs/.../shapes/Palette.java, SceneRenderer.java): exact RGB, no antialiasing
BACKGROUND = (0xF2, 0xF2, 0xEE)
COLORS = ["red", "green", "blue", "yellow", "purple", "orange"]
COLOR_RGB = [0xD62728, 0x2CA02C, 0x1F5FD6, 0xE8C800, 0x8E3CC8, 0xFF7F0E]
SHAPES = ["circle", "square", "triangle", "diamond", "cross"]
MIN_PATCH_PIXELS = 0.08  # a patch is labelled with an object covering at least this share of it
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def build_tokenizer(texts, vocab_size, split_punctuation):
    # Llama-2 style: words split at spaces (Metaspace), so answers compose from word tokens. With split_punctuation,
    # newlines and punctuation are tokens of their own as in Llama's tokenizer; without it (v1) BPE fuses e.g.
    # "cross\nB." into one token, so an option's text and the next option's letter share a token.
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    metaspace = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first")
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex("\n"), behavior="isolated"),
                                                 pre_tokenizers.Punctuation(behavior="isolated"),
                                                 metaspace]) if split_punctuation else metaspace
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first")
    alphabet = sorted(set("".join(texts)) - {" "}) + ["\u2581"]
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<unk>", "<s>", "</s>"],
                                  initial_alphabet=alphabet, show_progress=False)
    tok.train_from_iterator(texts, trainer)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                       special_tokens=[("<s>", 1)])
    tok.add_special_tokens(["<image>", "<pad>"])
    return tok


def decode_images(rows):
    """All images as one uint8 tensor (N, 3, 96, 96) plus, per row, the indices of its images."""
    arrays, index = [], []
    for r in rows:
        idx = []
        for im in r["images"]:
            a = np.asarray(Image.open(io.BytesIO(im["bytes"])).convert("RGB"), dtype=np.uint8)
            assert a.shape == (IMAGE_SIZE, IMAGE_SIZE, 3), a.shape
            idx.append(len(arrays))
            arrays.append(a.transpose(2, 0, 1))
        index.append(idx)
    return torch.from_numpy(np.stack(arrays)), index


def colour_map(images):
    """(N, 96, 96) int64: 0 = background or other, 1 + palette index where a pixel has that exact colour."""
    out = torch.zeros(images.shape[0], IMAGE_SIZE, IMAGE_SIZE, dtype=torch.long)
    for i, rgb in enumerate(COLOR_RGB):
        c = torch.tensor([(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255], dtype=torch.uint8).view(1, 3, 1, 1)
        out[(images == c).all(1)] = i + 1
    return out


def shape_map(colours, caption):
    """(96, 96) int64 shape classes (1 + SHAPES index, 0 = background) of a caption image, or None when the
    caption's left-to-right objects cannot be matched to the drawn connected components (then unlabelled)."""
    from scipy import ndimage
    names = [n.split(" ") for n in caption.split(", ")]
    comps, n = ndimage.label(colours.numpy() > 0)
    if n != len(names):
        return None
    boxes = ndimage.find_objects(comps)
    order = sorted(range(n), key=lambda k: ((boxes[k][1].start + boxes[k][1].stop) / 2,
                                            (boxes[k][0].start + boxes[k][0].stop) / 2))
    out = np.zeros(comps.shape, dtype=np.int64)
    for (colour, shape), k in zip(names, order):
        mask = comps == k + 1
        if int(np.bincount(colours.numpy()[mask]).argmax()) != COLORS.index(colour) + 1:
            return None
        out[mask] = SHAPES.index(shape) + 1
    return torch.from_numpy(out)


def patch_labels(pixel_classes, patch, classes):
    """Per patch of a (N, 96, 96) class map: the non-background class covering most of it (if it covers at least
    MIN_PATCH_PIXELS), else 0. Returns (N, patches) int64 in the vision tower's row-major patch order."""
    out = []
    for chunk in pixel_classes.split(1024):
        onehot = torch.nn.functional.one_hot(chunk, classes).permute(0, 3, 1, 2).float()
        share = torch.nn.functional.avg_pool2d(onehot, patch)  # (n, classes, g, g)
        share[:, 0] = 0
        best, cls = share.max(1)
        cls[best < MIN_PATCH_PIXELS] = 0
        out.append(cls.flatten(1))
    return torch.cat(out)


def dense_targets(images, rows, index, patch):
    """Auxiliary per-patch targets for every image: its colour class, and its shape class for caption images
    (whose captions name every object left to right); -100 where unknown."""
    colours = colour_map(images)
    colour_t = patch_labels(colours, patch, len(COLORS) + 1)
    shape_t = torch.full_like(colour_t, -100)
    matched = 0
    for r, idx in zip(rows, index):
        if r["task"] != "caption":
            continue
        m = shape_map(colours[idx[0]], r["target"])
        if m is not None:
            shape_t[idx[0]] = patch_labels(m.unsqueeze(0), patch, len(SHAPES) + 1)[0]
            matched += 1
    return colour_t, shape_t, matched


class DenseHeads(torch.nn.Module):
    """Training-only linear probes on the selected vision features: colour and shape of the object in each patch.
    They give the from-scratch vision tower a direct signal; they are not part of the saved checkpoint."""

    def __init__(self, width):
        super().__init__()
        self.colour = torch.nn.Linear(width, len(COLORS) + 1)
        self.shape = torch.nn.Linear(width, len(SHAPES) + 1)

    def loss(self, features, colour_t, shape_t):
        f = features.reshape(-1, features.shape[-1])
        ce = torch.nn.functional.cross_entropy
        return ce(self.colour(f), colour_t.reshape(-1)) + ce(self.shape(f), shape_t.reshape(-1), ignore_index=-100) \
            if (shape_t >= 0).any() else ce(self.colour(f), colour_t.reshape(-1))


def parse_task_weights(text):
    out = {}
    for part in filter(None, text.split(",")):
        task, w = part.split("=")
        out[task.strip()] = float(w)
    return out


def pretrain_vision(tower, heads, images, colour_t, shape_t, args, device, t_start):
    """Stage 0: the vision tower alone learns what is where (colour and shape per patch) before the LLM needs it."""
    params = list(tower.parameters()) + list(heads.parameters())
    opt = torch.optim.AdamW(params, lr=args.vision_lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * 0.5 * (
        1 + math.cos(math.pi * min(1.0, s / args.vision_steps))))
    rng = np.random.default_rng(args.seed + 1)
    labelled = torch.nonzero((shape_t >= 0).any(1)).flatten().numpy()
    losses = []
    for step in range(args.vision_steps):
        # half the batch from caption images (shape targets), half from all images
        idx = np.concatenate([rng.choice(labelled, 32), rng.choice(images.shape[0], 32)]) if len(labelled) else \
            rng.choice(images.shape[0], 64)
        feats = tower(pixel_values=pixels(images[idx], device), output_hidden_states=True).hidden_states[-2][:, 1:]
        loss = heads.loss(feats, colour_t[idx].to(device), shape_t[idx].to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
        if step % 100 == 0 or step == args.vision_steps - 1:
            print(f"vision step {step} loss {np.mean(losses[-100:]):.4f} {time.time() - t_start:.0f}s", flush=True)
    return losses


def encode(tok, rows, image_token, tokens_per_image):
    """(input_ids, labels) per row: the expanded prompt (labels -100), then target + </s> (labelled)."""
    eos = tok.token_to_id("</s>")
    out = []
    for r in rows:
        prompt = r["prompt"].replace(image_token, image_token * tokens_per_image)
        p = tok.encode(prompt).ids
        t = tok.encode(r["target"], add_special_tokens=False).ids + [eos]
        out.append((p + t, [-100] * len(p) + t))
    return out


def pixels(uint8, device):
    mean = torch.tensor(CLIP_MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD, device=device).view(1, 3, 1, 1)
    return ((uint8.to(device).float() / 255.0) - mean) / std  # the PIL backend's rescale + normalize (no resize)


def batch(examples, idxs, image_index, images, pad, device):
    n = max(len(examples[i][0]) for i in idxs)
    ids = torch.full((len(idxs), n), pad, dtype=torch.long)
    labels = torch.full((len(idxs), n), -100, dtype=torch.long)
    mask = torch.zeros((len(idxs), n), dtype=torch.long)
    imgs = []
    for b, i in enumerate(idxs):
        x, y = examples[i]
        ids[b, : len(x)] = torch.tensor(x)
        labels[b, : len(y)] = torch.tensor(y)
        mask[b, : len(x)] = 1
        imgs.extend(image_index[i])
    return (ids.to(device), labels.to(device), mask.to(device), pixels(images[imgs], device))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--patch", type=int, default=8, help="vision patch size: 8 -> 144 tokens per 96 px image, 12 -> 64")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training rows (smoke tests)")
    ap.add_argument("--caption-mix", type=float, nargs=2, default=(0.6, 0.2), metavar=("EARLY", "LATE"),
                    help="share of caption (stage-1) batches in the first 40%% of steps and after")
    ap.add_argument("--vision-steps", type=int, default=1500,
                    help="stage 0: steps that train only the vision tower on the dense colour/shape targets")
    ap.add_argument("--vision-lr", type=float, default=2e-3)
    ap.add_argument("--aux-weight", type=float, default=0.5, help="weight of the dense targets in the joint stage")
    ap.add_argument("--vision-layers", type=int, default=4)
    ap.add_argument("--task-weights", default="", metavar="TASK=W,...",
                    help="sampling weight per task (default 1 each, i.e. in proportion to the task's rows)")
    ap.add_argument("--split-punctuation", action="store_true",
                    help="newlines and punctuation as tokens of their own (Llama-like); v1 was trained without")
    ap.add_argument("--save-every", type=int, default=0, help="also save the checkpoint every N steps")
    ap.add_argument("--max-seconds", type=float, default=0, help="stop early (and save) after this many seconds")
    args = ap.parse_args()
    t_start = time.time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    if args.threads:
        torch.set_num_threads(args.threads)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    train = pq.read_table(os.path.join(args.suite, "_prompts", "train.parquet")).to_pylist()
    pretrain_path = os.path.join(args.suite, "_prompts", "pretrain.parquet")
    captions = pq.read_table(pretrain_path).to_pylist() if os.path.exists(pretrain_path) else []
    test = pq.read_table(os.path.join(args.suite, "_prompts", "test.parquet")).to_pylist()
    if args.limit:
        train = train[: args.limit]
    image_token = "<image>"
    tokens_per_image = (IMAGE_SIZE // args.patch) ** 2  # "default" strategy drops CLS
    texts = [r["prompt"].replace(image_token, " ") + " " + r["target"] for r in train + captions]
    tok = build_tokenizer(texts, 640, args.split_punctuation)
    vocab = tok.get_vocab_size()
    pad = tok.token_to_id("<pad>")
    print(f"{len(train)} train rows, {len(captions)} caption rows, {len(test)} test rows, vocab {vocab}, device {device}", flush=True)

    cfg = LlavaConfig(
        text_config=LlamaConfig(vocab_size=vocab, hidden_size=128, intermediate_size=352, num_hidden_layers=8,
                                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                                rms_norm_eps=1e-5, rope_theta=10000.0, bos_token_id=1, eos_token_id=2,
                                pad_token_id=pad, initializer_range=0.02),
        vision_config=CLIPVisionConfig(hidden_size=96, intermediate_size=256, num_hidden_layers=args.vision_layers,
                                       num_attention_heads=4, image_size=IMAGE_SIZE, patch_size=args.patch,
                                       hidden_act="quick_gelu", projection_dim=96),
        image_token_index=tok.token_to_id(image_token), image_seq_length=tokens_per_image,
        vision_feature_layer=-2, vision_feature_select_strategy="default", projector_hidden_act="gelu")
    model = LlavaForConditionalGeneration(cfg).to(device)
    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}", flush=True)

    train = train + captions  # captions last: indices >= n_tasks
    n_tasks = len(train) - len(captions)
    train_images, train_index = decode_images(train)
    test_images, test_index = decode_images(test)
    train_ex = encode(tok, train, image_token, tokens_per_image)
    colour_t, shape_t, matched = dense_targets(train_images, train, train_index, args.patch)
    print(f"dense targets: {train_images.shape[0]} images, {matched}/{len(captions)} caption images with shapes, "
          f"{time.time() - t_start:.0f}s", flush=True)
    heads = DenseHeads(cfg.vision_config.hidden_size).to(device)
    tower = model.model.vision_tower
    if args.vision_steps:
        pretrain_vision(tower, heads, train_images, colour_t, shape_t, args, device, t_start)
    test_ex = encode(tok, test, image_token, tokens_per_image)
    # two length buckets (single image / video); rows drawn with probability proportional to their task's weight
    task_weight = parse_task_weights(args.task_weights)
    buckets = {}
    for i, idx in enumerate(train_index[:n_tasks]):
        buckets.setdefault(len(idx), []).append(i)
    caption_ids = list(range(n_tasks, len(train)))
    keys = sorted(buckets)
    row_p = {}
    for k in keys:
        w = np.array([task_weight.get(train[i]["task"], 1.0) for i in buckets[k]], dtype=np.float64)
        row_p[k] = w / w.sum()
    weights = np.array([sum(task_weight.get(train[i]["task"], 1.0) for i in buckets[k]) for k in keys])
    weights /= weights.sum()

    captured = {}
    tower.register_forward_hook(lambda m, i, o: captured.__setitem__("features", o.hidden_states[-2][:, 1:]))
    opt = torch.optim.AdamW(list(model.parameters()) + list(heads.parameters()), lr=args.lr, weight_decay=0.01, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / args.warmup) * 0.5 * (
        1 + math.cos(math.pi * min(1.0, s / args.steps))))
    rng = np.random.default_rng(args.seed)
    losses = []
    model.train()
    for step in range(args.steps):
        mix = args.caption_mix[0] if step < 0.4 * args.steps else args.caption_mix[1]
        if caption_ids and rng.random() < mix:
            idxs = rng.choice(caption_ids, size=min(args.batch, len(caption_ids)), replace=False)
        else:
            k = keys[rng.choice(len(keys), p=weights)]
            idxs = rng.choice(buckets[k], size=min(args.batch, len(buckets[k])), replace=False, p=row_p[k])
        ids, labels, mask, px = batch(train_ex, idxs, train_index, train_images, pad, device)
        out = model(input_ids=ids, attention_mask=mask, pixel_values=px, labels=labels)
        imgs = [j for i in idxs for j in train_index[i]]
        aux = heads.loss(captured["features"], colour_t[imgs].to(device), shape_t[imgs].to(device))
        opt.zero_grad(set_to_none=True)
        (out.loss + args.aux_weight * aux).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(float(out.loss.detach()))
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step} loss {np.mean(losses[-100:]):.4f} lr {sched.get_last_lr()[0]:.2e} "
                  f"{time.time() - t_start:.0f}s", flush=True)
        if args.max_seconds and time.time() - t_start > args.max_seconds:
            print(f"stopping at step {step}: --max-seconds {args.max_seconds} reached", flush=True)
            args.steps = step + 1
            break
        if args.save_every and (step + 1) % args.save_every == 0:
            save(model, tok, cfg, args, {}, losses, time.time() - t_start, device)
        if (step + 1) % 2000 == 0 or step == args.steps - 1:
            print("  teacher-forced exact match on test:", json.dumps(evaluate(model, test, test_ex, test_index,
                                                                              test_images, pad, device)), flush=True)
    train_seconds = time.time() - t_start
    metrics = evaluate(model, test, test_ex, test_index, test_images, pad, device)
    save(model, tok, cfg, args, metrics, losses, train_seconds, device)


@torch.no_grad()
def evaluate(model, rows, examples, image_index, images, pad, device):
    """Per task: share of samples whose every target token is the argmax under teacher forcing (= greedy answer)."""
    model.eval()
    right, total = {}, {}
    order = sorted(range(len(rows)), key=lambda i: len(image_index[i]))
    for s in range(0, len(order), 64):
        idxs = order[s: s + 64]
        if len({len(image_index[i]) for i in idxs}) > 1:
            idxs_groups = [[i for i in idxs if len(image_index[i]) == n] for n in {len(image_index[i]) for i in idxs}]
        else:
            idxs_groups = [idxs]
        for g in idxs_groups:
            ids, labels, mask, px = batch(examples, g, image_index, images, pad, device)
            logits = model(input_ids=ids, attention_mask=mask, pixel_values=px).logits
            pred = logits[:, :-1].argmax(-1)
            gold = labels[:, 1:]
            ok = ((pred == gold) | (gold == -100)).all(-1)
            for b, i in enumerate(g):
                task = rows[i]["task"]
                right[task] = right.get(task, 0) + int(ok[b])
                total[task] = total.get(task, 0) + 1
    model.train()
    return {t: round(right[t] / total[t], 4) for t in sorted(total)}


def save(model, tok, cfg, args, metrics, losses, seconds, device):
    os.makedirs(args.out, exist_ok=True)
    model = copy.deepcopy(model).to("cpu").to(torch.float16).eval()  # the training copy stays fp32
    model.save_pretrained(args.out)
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                     pad_token="<pad>")
    ip = CLIPImageProcessorPil(size={"shortest_edge": IMAGE_SIZE}, crop_size={"height": IMAGE_SIZE,
                                                                              "width": IMAGE_SIZE})
    LlavaProcessor(image_processor=ip, tokenizer=hf_tok, patch_size=args.patch, vision_feature_select_strategy="default",
                   num_additional_image_tokens=1).save_pretrained(args.out)
    import tokenizers
    import transformers
    info = {"command": " ".join([os.path.basename(sys.executable)] + sys.argv), "device": device,
            "device_name": torch.cuda.get_device_name(0) if device == "cuda" else platform.processor() or "cpu",
            "threads": torch.get_num_threads(), "train_seconds": round(seconds, 1), "steps": args.steps,
            "batch": args.batch, "lr": args.lr, "patch": args.patch, "caption_mix": list(args.caption_mix), "warmup": args.warmup, "seed": args.seed,
            "final_loss_mean_last_100": round(float(np.mean(losses[-100:])), 4),
            "loss_every_100": [round(float(np.mean(losses[i:i + 100])), 4) for i in range(0, len(losses), 100)],
            "teacher_forced_exact_match_test": metrics,
            "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                         "tokenizers": tokenizers.__version__, "python": platform.python_version()}}
    with open(os.path.join(args.out, "training_info.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(json.dumps({k: v for k, v in info.items() if k != "loss_every_100"}, indent=1), flush=True)


if __name__ == "__main__":
    main()
