"""Independent reference for vision-token dropping, written against docs/token-dropping.md.

Runs a LLaVA or Qwen2-VL / Qwen2.5-VL model from HF transformers layer by layer WITHOUT a KV cache: every step recomputes the whole sequence
with the drop decisions taken at prefill frozen. That is mathematically the same as a cached generator (causal
attention, decisions made only at prefill), but shares no code with one, so it is a fair oracle for the Java engine.

In half precision the model runs in float16 as loaded; the drop scores (V2Drop's L2 norms, FastV's and PDrop's
attention row) are computed in float32 from the float16 hidden states and projections. Each stage records its
decision margin: the relative gap between the last kept score and the best dropped one, which tells a float16
comparison whether a flipped decision is a bug or rounding.
"""
import math

import torch

MASK64 = (1 << 64) - 1

PRESETS = {  # name -> (layers on the preset's own depth, ratios, that depth); docs/token-dropping.md "Presets"
    "llava-192": ((3, 17, 22), (0.5, 0.5, 0.0), 32),
    "llava-128": ((3, 17, 22), (0.27, 0.27, 0.0), 32),
    "llava-64": ((3, 17, 22), (0.04, 0.04, 0.0), 32),
    "qwen2vl-22": ((3, 16, 22), (0.25, 0.05, 0.0), 28),
}


def parse_method(spec, num_layers):
    """'vanilla' | 'name@l:r,...' | 'name@preset' -> (name, [(layer, ratio)])."""
    if spec == "vanilla":
        return "vanilla", []
    name, rest = spec.split("@", 1)
    if rest in PRESETS:
        layers, ratios, depth = PRESETS[rest]
        # the first drop stays at layer 3; later layers keep their place in the layers after it
        # (docs/token-dropping.md "Schedules on other depths")
        scaled = [l if l <= 3 or depth == num_layers
                  else int(math.floor(3 + (l - 3) * (num_layers - 3) / (depth - 3) + 0.5)) for l in layers]
        return name, list(zip(scaled, ratios))
    stages = []
    for part in rest.split(","):
        l, r = part.split(":")
        stages.append((int(l), float(r)))
    return name, stages


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & MASK64
    return h


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def random_keys(sample_id, layer, positions):
    seed = splitmix64(fnv1a64(sample_id) ^ ((layer * 0x9E3779B97F4A7C15) & MASK64))
    return [splitmix64(seed ^ p) for p in positions]


def top_k(scores, positions, k, largest=True):
    """Indices (into positions) of the k best scores; ties by lower position; result sorted by position."""
    order = sorted(range(len(scores)), key=lambda i: ((-scores[i]) if largest else scores[i], positions[i]))
    return sorted(order[:k], key=lambda i: positions[i])


def decision_margin(scores, k):
    """(last kept - best dropped) / |last kept| of a largest-k choice; None when nothing is dropped."""
    if k >= len(scores):
        return None
    ranked = sorted(scores, reverse=True)
    return float((ranked[k - 1] - ranked[k]) / max(abs(ranked[k - 1]), 1e-30))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def last_row_attention(layer, rope, hidden, pos, query_index, window=0):
    """Head-averaged softmax attention of one query row over all keys 0..query_index (causal), with `layer`'s
    input_layernorm, q/k projections (their biases included) and RoPE at position ids `pos` (rows, n) through
    `rope(hidden, pos)`. hidden: (1, n, d). With a sliding window (> 0) the keys before query_index + 1 - window
    are masked out as the model's attention masks them (their probability is 0)."""
    attn = layer.self_attn
    x = layer.input_layernorm(hidden)
    n = x.shape[1]
    hd = attn.head_dim
    q = attn.q_proj(x).view(1, n, -1, hd).transpose(1, 2)
    k = attn.k_proj(x).view(1, n, -1, hd).transpose(1, 2)
    cos, sin = rope(hidden, pos)
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    groups = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(groups, dim=1)
    q, k = q.float(), k.float()  # scores in float32 from the model's projections
    row = q[:, :, query_index : query_index + 1, :] @ k[:, :, : query_index + 1, :].transpose(-1, -2)
    row = row / math.sqrt(hd)
    if window > 0 and query_index + 1 > window:
        row[..., : query_index + 1 - window] = float("-inf")
    probs = torch.softmax(row, dim=-1)
    return probs.mean(dim=1)[0, 0]  # (query_index + 1,)


def causal_mask(n, dtype, window=0):
    """(1, 1, n, n) additive mask: query i sees keys j <= i, and with a sliding window (> 0) only those with
    j > i - window (HF's sliding_window_overlay), counted over the rows present (after a drop, the kept ones)."""
    m = torch.full((n, n), float("-inf"), dtype=dtype).triu(1)
    if window > 0:
        m = m.masked_fill(torch.ones((n, n), dtype=torch.bool).tril(-window), float("-inf"))
    return m[None, None]


def method_references(model, inputs, methods, max_new_tokens, eos, margins, decode, hf_ids, hf_last_logits, atol):
    """Every method's reference entry (schedule, kept positions per stage, with each stage's decision margin when
    margins is true, top-5 last logits, greedy ids and their top-2 margins, text), after checking that the vanilla
    run of this loop agrees with HF's own forward (hf_last_logits, within atol) and generate (hf_ids, up to the
    first step whose top-2 margin is within 10 atol)."""
    out = {}
    for m in methods:
        run = DropRun(model, inputs, m, "trace")
        logits, ids, top2 = run.generate(max_new_tokens, eos)
        out[m] = {"schedule": [[l, r] for l, r in run.stages],
                  "stages": [dict({"layer": l, "kept_positions": run.kept[l]},
                                  **({"decision_margin": run.margins[l]} if margins else {}))
                             for l, _ in run.stages],
                  "last_logits_top5": topk_json(logits), "generated_ids": ids, "top2_margins": top2,
                  "text": decode(ids)}
        if m == "vanilla":
            decisive = next((i for i, g in enumerate(top2) if g <= 10 * atol), len(top2))
            assert ids[:decisive] == hf_ids[:decisive], (ids, hf_ids)
            assert torch.allclose(logits, hf_last_logits, atol=atol), float((logits - hf_last_logits).abs().max())
    return out


def topk_json(logits, k=5):
    v, i = torch.topk(logits, k)
    return {"ids": i.tolist(), "values": [float(x) for x in v]}


class DropRun:
    """Prefill with dropping; records kept original positions per stage; then greedy decode by recomputation."""

    def __init__(self, model, inputs, spec, sample_id):
        """inputs: the HF processor's output for one prompt (input_ids, pixel_values, and for Qwen2-VL
        image_grid_thw and mm_token_type_ids)."""
        self.model = model
        lm = model.model.language_model
        self.lm = lm
        self.num_layers = len(lm.layers)
        self.method, self.stages = parse_method(spec, self.num_layers)
        self.sample_id = sample_id
        input_ids = inputs["input_ids"]
        self.prompt_ids = input_ids[0].tolist()
        image_token = model.config.image_token_id
        self.qwen = model.config.model_type in ("qwen2_vl", "qwen2_5_vl")
        with torch.no_grad():
            embeds = model.model.get_input_embeddings()(input_ids)
            if inputs.get("pixel_values") is not None:
                if self.qwen:
                    feats = model.model.get_image_features(pixel_values=inputs["pixel_values"],
                                                           image_grid_thw=inputs["image_grid_thw"]).pooler_output
                    feats = torch.cat(list(feats), dim=0)
                else:  # LLaVA; LLaVA-NeXT also needs the images' sizes (its tiles and unpadding)
                    sizes = {"image_sizes": inputs["image_sizes"]} if "image_sizes" in inputs else {}
                    feats = model.model.get_image_features(
                        pixel_values=inputs["pixel_values"],
                        vision_feature_layer=model.config.vision_feature_layer,
                        vision_feature_select_strategy=model.config.vision_feature_select_strategy,
                        **sizes,
                    )
                    feats = feats.pooler_output if hasattr(feats, "pooler_output") else feats
                    feats = torch.cat(list(feats), dim=0).reshape(-1, embeds.shape[-1])
                mask = input_ids[0] == image_token
                assert int(mask.sum()) == feats.shape[0], "image tokens != features"
                embeds = embeds.clone()
                embeds[0, mask] = feats.to(embeds.dtype)
            if inputs.get("pixel_values_videos") is not None:  # Qwen2-VL video: its own tokens and tower pass
                feats = model.model.get_video_features(pixel_values_videos=inputs["pixel_values_videos"],
                                                       video_grid_thw=inputs["video_grid_thw"]).pooler_output
                feats = torch.cat(list(feats), dim=0)
                mask = input_ids[0] == model.config.video_token_id
                assert int(mask.sum()) == feats.shape[0], "video tokens != features"
                embeds = embeds.clone()
                embeds[0, mask] = feats.to(embeds.dtype)
            n = input_ids.shape[1]
            if self.qwen:  # M-RoPE: (3, n) position ids and the decode delta, HF's own
                kw = {k: inputs[k] for k in ("image_grid_thw", "video_grid_thw", "second_per_grid_ts",
                                             "mm_token_type_ids") if k in inputs}
                pos, delta = model.model.get_rope_index(input_ids, attention_mask=inputs.get("attention_mask"), **kw)
                self.prompt_pos = pos[:, 0, :]
                self.delta = int(delta.reshape(-1)[0])
            else:
                self.prompt_pos = torch.arange(n).unsqueeze(0)
                self.delta = 0
        self.prompt_embeds = embeds
        # a sliding-window decoder (Mistral's sliding_window; Qwen2 sets one but uses it only with use_sliding_window)
        cfg = lm.config
        self.window = (cfg.sliding_window or 0) if getattr(cfg, "use_sliding_window", True) and getattr(
            cfg, "sliding_window", None) else 0
        vision_tokens = {image_token, getattr(model.config, "video_token_id", image_token)}
        self.vision = [i for i, t in enumerate(self.prompt_ids) if t in vision_tokens]
        self.kept = {}  # layer -> sorted kept original positions (vision)
        self.margins = {}  # layer -> decision margin (None: nothing dropped, or the random baseline)
        # PyramidDrop renumbers 1-D RoPE positions; under M-RoPE every method keeps the original three rows
        # (docs/token-dropping.md "Choices")
        self.renumber = self.method == "pdrop" and not self.qwen

    def rope(self, hidden, pos):
        """cos, sin of position ids pos (rows, n): 1-D RoPE from row 0, or M-RoPE from the three rows."""
        if self.qwen:
            return self.lm.rotary_emb(hidden, pos.unsqueeze(1))
        return self.lm.rotary_emb(hidden, pos[0].unsqueeze(0))

    def forward(self, embeds, prefill):
        """embeds: (1, n, d) for prompt + generated tokens. Returns logits (1, n_alive_last, vocab) and the index
        of the last prompt token in the final sequence."""
        lm = self.lm
        n = embeds.shape[1]
        n_prompt = len(self.prompt_ids)
        orig = list(range(n))  # original positions of the tokens alive, in physical order
        # (rows, n): the prompt's ids, then each generated token at cache position + delta on every row
        gen = torch.arange(n_prompt, n) + self.delta
        pos = torch.cat([self.prompt_pos, gen.unsqueeze(0).expand(self.prompt_pos.shape[0], -1)], dim=1)
        h = embeds
        prev = None
        stage = dict(self.stages)
        for l, layer in enumerate(lm.layers):
            if l in stage:
                alive_vis = [i for i, p in enumerate(orig) if p in set(self.vision)]
                alive_pos = [orig[i] for i in alive_vis]
                if prefill:
                    k = max(1, int(math.floor(len(alive_vis) * stage[l])))
                    scores = None
                    if self.method == "v2drop":
                        var = (h[0, alive_vis].float() - prev[0, alive_vis].float()).norm(dim=-1).tolist()
                        keep = top_k(var, alive_pos, k)
                        scores = var
                    elif self.method == "fastv":
                        q_idx = orig.index(n_prompt - 1)
                        row = last_row_attention(lm.layers[l - 1], self.rope, prev, prev_pos, q_idx, self.window)
                        scores = [float(row[i]) for i in alive_vis]
                        keep = top_k(scores, alive_pos, k)
                    elif self.method == "pdrop":
                        q_idx = orig.index(n_prompt - 1)
                        row = last_row_attention(layer, self.rope, h, pos, q_idx, self.window)
                        scores = [float(row[i]) for i in alive_vis]
                        keep = top_k(scores, alive_pos, k)
                    elif self.method == "random":
                        keys = random_keys(self.sample_id, l, alive_pos)
                        keep = top_k(keys, alive_pos, k, largest=False)
                    else:
                        raise ValueError(self.method)
                    self.kept[l] = [alive_pos[i] for i in keep]
                    self.margins[l] = None if scores is None else decision_margin(scores, k)
                kept_set = set(self.kept[l])
                sel = [i for i, p in enumerate(orig) if p not in set(self.vision) or p in kept_set]
                orig = [orig[i] for i in sel]
                h = h[:, sel]
                pos = torch.arange(len(sel)).unsqueeze(0).expand(pos.shape[0], -1) if self.renumber else pos[:, sel]
            prev, prev_pos = h, pos
            cos_sin = self.rope(h, pos)
            h = layer(h, attention_mask=causal_mask(h.shape[1], h.dtype, self.window), position_ids=pos[:1],
                      position_embeddings=cos_sin)
            if isinstance(h, tuple):
                h = h[0]
        h = lm.norm(h)
        logits = self.model.lm_head(h).float()  # ranked in float32, as HF generate does
        return logits, orig.index(n_prompt - 1)

    def generate(self, max_new_tokens, eos_ids):
        with torch.no_grad():
            logits, last = self.forward(self.prompt_embeds, prefill=True)
            prefill_logits = logits[0, last]
            generated, margins = [], []
            step_logits = prefill_logits
            for _ in range(max_new_tokens):
                top2 = torch.topk(step_logits, 2).values
                margins.append(float(top2[0] - top2[1]))
                nxt = int(torch.argmax(step_logits))
                generated.append(nxt)
                if nxt in eos_ids:
                    break
                ids = torch.tensor([generated])
                new = self.model.model.get_input_embeddings()(ids)
                logits, _ = self.forward(torch.cat([self.prompt_embeds, new], dim=1), prefill=False)
                step_logits = logits[0, -1]
        return prefill_logits, generated, margins
