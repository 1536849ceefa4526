"""Writes core/src/main/resources/org/v2drop/core/model/decoder.pt: one Llama-style decoder layer (Llama, or Qwen2 with
q/k/v biases; 1-D RoPE or M-RoPE) as one TorchScript call.

The engine's readable decoder layer (DecoderLayer.forward, a few dozen DJL calls) is the definition; this module runs
the same torch ops in the same order in one call, so that a prefill layer costs one call into PyTorch instead of
dozens, and a whole decode step (every layer: nothing is dropped while decoding) one call (each DJL call crosses JNI
and allocates a Java NDArray: tens of microseconds that dominate a small model's decode step and a GPU's launch-bound
one). It has no parameters: the weights come in as lists of tensors built once per model, the caller keeps the KV
cache buffers and their lengths. Methods:

  prefill_layers(h, gather, positions, tables, weights, first, count, capacity, dims, eps, variation, last_rows, head)
      -> [out, x, keys_0, values_0, ..., keys_count-1, values_count-1(, var)(, logits)]
    prefill layers first .. first + count - 1 (the layers between two drops; each its 8 tensors
    weights[8 * l : 8 * l + 8], see layer), the drop step before them folded in: their input is h (batch, stride,
    hidden) itself, or, when gather (batch * rows flat row ids s * stride + r into h) is not empty, the rows each
    sequence keeps; the RoPE rows are tables[0|1][positions] (batch * rows position ids), or under M-RoPE
    (positions holding 3 * batch * rows ids, one block per position-id row) column j of each row taken from the
    position-id row tables[2][j] names (HF's mrope_section chunks); no key mask (prefill rows are right-padded and
    causal). Each layer's KV buffers (batch, kv_heads, capacity, head_dim) are allocated here
    (uninitialised past the rows written) and returned for the decode steps. Returns the last layer's output and
    input x, the buffers, and, when variation is true, the next drop's V2Drop scores ||out - x||_2 over the hidden
    axis in float32 (batch, rows), and, when last_rows (flat row ids s * rows + r) is not empty, the final norm and
    LM head on those rows of out, widened to float32 (head [embed_tokens, final_norm, lm_head_t])

  layer(x, weights, step, kv, length, dims, eps) -> out
    x        (batch, n, hidden) layer input (n tokens per sequence: a prefill segment or one decode token)
    weights  [input_norm, qkv_t, qkv_bias, o_t, post_norm, gate_t, up_t, down_t]  (the *_t are (in, out) views;
             qkv_bias an empty tensor when the projections have none)
    step     [cos, signed_sin, key_mask]  cos/sin (batch, 1, n, head_dim); key_mask (batch, 1, 1, >= length + n)
             additive 0/-inf of padding key columns, or an empty tensor when every column is real
    kv       [keys, values] (batch, kv_heads, capacity, head_dim) buffers; columns [length, length + n) are written
    dims     [heads, kv_heads, head_dim, sliding_window (0: none)]: a query sees keys query - window + 1 .. query
             of those cached; a decode token's window comes in its key mask (decode_token's cuts)
    eps      RMSNorm epsilon

  embed_prompt(ids, head, features, order) -> (tokens, hidden)
    one prompt's input embeddings: the rows of head[0] (embed_tokens) for ids, the image features (vision
    tokens, hidden) written into the vision positions in order: row order[i] of (text rows ++ feature rows) for
    each position i (HF's masked_scatter); features an empty tensor for a prompt without images

  decode_token(ids, head, weights, tables, positions, kv, lengths, masks, cuts, dims, eps) -> next ids
    a whole greedy decode step: the tokens' embeddings, every layer in turn, the final norm, the LM head (widened
    to float32) and argmax. ids the batch's current tokens; head [embed_tokens, final_norm, lm_head_t]; weights the
    8 tensors of each layer one after the other; tables [cos, signed_sin] (positions, head_dim) computed by the
    engine, indexed by position ids (a decode token's M-RoPE rows are equal, so the 1-D rows are its); positions each layer's position id of each sequence; kv [keys_0, values_0,
    keys_1, ...]; lengths the cached columns of each layer; masks each layer's key mask (or an empty tensor); cuts
    empty, or under a sliding window three ints [a, p, e] per layer and sequence (layer-major): the sequence's key
    columns [0, a) and [p, e) are outside the window (its prefill columns, then its decode columns after the
    batch's padding)

Every op is the one DecoderLayer / Ops / Attention use (RMSNorm statistics in float32 and 1 / root multiplied in,
SiLU as torch's kernel, RoPE as x * cos + swap_halves(x) * signed_sin, repeat_kv by expand,
SDPA with the same mask rule), so its results equal the readable layer's bit for bit (FusedDecoderIT). Run with the
pinned torch of tools/requirements.txt:

  python tools/make_decoder_module.py
"""
import pathlib
from typing import List

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "core/src/main/resources/org/v2drop/core/model/decoder.pt"


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    xf = x.float()
    root = (xf.square().mean(-1, keepdim=True) + eps).sqrt()
    return (xf * (torch.ones_like(root) / root)).to(x.dtype) * weight


def silu(g: torch.Tensor) -> torch.Tensor:
    return torch._C._nn.silu(g)  # torch's kernel, as HF's ACT2FN["silu"] and the readable Ops.activation call it


def rotate(x: torch.Tensor, cos: torch.Tensor, signed_sin: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    swapped = torch.cat((x[..., half:], x[..., :half]), -1)
    return x * cos + swapped * signed_sin


def repeat_kv(kv: torch.Tensor, groups: int) -> torch.Tensor:
    if groups == 1:
        return kv
    b, h, t, d = kv.shape
    return kv[:, :, None].expand(b, h, groups, t, d).reshape(b, h * groups, t, d)


class Decoder(torch.nn.Module):
    def forward(self, x: torch.Tensor, weights: List[torch.Tensor], step: List[torch.Tensor],
                kv: List[torch.Tensor], length: int, dims: List[int], eps: float) -> torch.Tensor:
        return self.layer(x, weights, step, kv, length, dims, eps)

    @torch.jit.export
    def prefill_layers(self, h: torch.Tensor, gather: List[int], positions: List[int], tables: List[torch.Tensor],
                       weights: List[torch.Tensor], first: int, count: int, capacity: int, dims: List[int],
                       eps: float, variation: bool, last_rows: List[int],
                       head: List[torch.Tensor]) -> List[torch.Tensor]:
        b, hidden, hd = h.shape[0], h.shape[2], dims[2]
        x = h
        if len(gather) != 0:
            rows = torch.tensor(gather, device=h.device)
            # index_select: a contiguous copy of whole rows, several times faster than advanced indexing
            x = h.reshape(b * h.shape[1], hidden).index_select(0, rows).reshape(b, len(gather) // b, hidden)
        n = x.shape[1]
        pos = torch.tensor(positions, device=h.device).reshape(-1, b * n)  # (position-id rows, b * n)
        cos = tables[0].index_select(0, pos[0])
        sin = tables[1].index_select(0, pos[0])
        if pos.shape[0] == 3:  # M-RoPE: column j from the table row of position-id row tables[2][j]
            height = tables[2] == 1
            width = tables[2] == 2
            cos = torch.where(height, tables[0].index_select(0, pos[1]), cos)
            sin = torch.where(height, tables[1].index_select(0, pos[1]), sin)
            cos = torch.where(width, tables[0].index_select(0, pos[2]), cos)
            sin = torch.where(width, tables[1].index_select(0, pos[2]), sin)
        cos = cos.reshape(b, 1, n, hd)
        sin = sin.reshape(b, 1, n, hd)
        step = [cos, sin, torch.zeros([0], dtype=x.dtype, device=x.device)]
        buffers: List[torch.Tensor] = []
        out = x
        for i in range(count):
            x = out
            l = first + i
            kv = [torch.empty([b, dims[1], capacity, hd], dtype=x.dtype, device=x.device),
                  torch.empty([b, dims[1], capacity, hd], dtype=x.dtype, device=x.device)]
            buffers = buffers + kv
            out = self.layer(x, weights[8 * l: 8 * l + 8], step, kv, 0, dims, eps)
        result = [out, x] + buffers
        if variation:
            result.append((out.float() - x.float()).norm(2, [-1]))
        if len(last_rows) != 0:
            last = out.reshape(b * n, hidden).index_select(0, torch.tensor(last_rows, device=h.device))
            result.append(torch.matmul(rms_norm(last, head[1], eps), head[2]).float())
        return result

    @torch.jit.export
    def layer(self, x: torch.Tensor, weights: List[torch.Tensor], step: List[torch.Tensor],
              kv: List[torch.Tensor], length: int, dims: List[int], eps: float) -> torch.Tensor:
        heads, kv_heads, hd, window = dims[0], dims[1], dims[2], dims[3]
        b, n = x.shape[0], x.shape[1]
        qkv = torch.matmul(rms_norm(x, weights[0], eps), weights[1])
        if weights[2].numel() != 0:  # Qwen2's q/k/v biases
            qkv = qkv + weights[2]
        qkv = qkv.reshape(b, n, heads + 2 * kv_heads, hd).transpose(1, 2)  # (b, all heads, n, hd)
        qk = rotate(qkv[:, : heads + kv_heads], step[0], step[1])
        q = qk[:, :heads]
        total = length + n
        keys, values = kv[0], kv[1]
        keys[:, :, length:total] = qk[:, heads:]
        values[:, :, length:total] = qkv[:, heads + kv_heads:]
        groups = heads // kv_heads
        k = repeat_kv(keys[:, :, :total], groups)
        v = repeat_kv(values[:, :, :total], groups)
        scale = float(hd) ** -0.5
        key_mask = step[2]
        if n == 1:
            if key_mask.numel() == 0:
                attn = F.scaled_dot_product_attention(q, k, v, scale=scale)
            else:
                attn = F.scaled_dot_product_attention(q, k, v, attn_mask=key_mask[..., :total], scale=scale)
        elif n == total and key_mask.numel() == 0 and (window == 0 or total <= window):
            attn = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)
        else:
            future = torch.ones((n, total), dtype=torch.bool, device=x.device).triu(length + 1)
            if window > 0 and total > window:  # keys at or before query - window: outside the sliding window
                future = future | torch.ones((n, total), dtype=torch.bool, device=x.device).tril(length - window)
            mask = torch.zeros((n, total), dtype=q.dtype, device=x.device).masked_fill(future, float("-inf"))
            if key_mask.numel() != 0:
                mask = mask + key_mask[..., :total]
            attn = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
        h = x + torch.matmul(attn.transpose(1, 2).reshape(b, n, heads * hd), weights[3])
        normed = rms_norm(h, weights[4], eps)
        act = silu(torch.matmul(normed, weights[5])) * torch.matmul(normed, weights[6])
        return h + torch.matmul(act, weights[7])

    @torch.jit.export
    def embed_prompt(self, ids: List[int], head: List[torch.Tensor], features: torch.Tensor,
                     order: List[int]) -> torch.Tensor:
        embed = head[0]
        text = embed.index_select(0, torch.tensor(ids, device=embed.device))
        if features.numel() == 0:
            return text
        return torch.cat((text, features), 0).index_select(0, torch.tensor(order, device=embed.device))

    @torch.jit.export
    def decode_token(self, ids: List[int], head: List[torch.Tensor], weights: List[torch.Tensor],
                     tables: List[torch.Tensor], positions: List[int], kv: List[torch.Tensor], lengths: List[int],
                     masks: List[torch.Tensor], cuts: List[int], dims: List[int], eps: float) -> List[int]:
        embed = head[0]
        b = len(ids)
        hd = dims[2]
        x = embed[torch.tensor(ids, device=embed.device)].reshape(b, 1, embed.shape[1])
        for i in range(len(lengths)):
            pos = torch.tensor(positions[i * b: (i + 1) * b], device=embed.device)
            cos = tables[0][pos].reshape(b, 1, 1, hd)
            sin = tables[1][pos].reshape(b, 1, 1, hd)
            mask = masks[i]
            if len(cuts) != 0:  # the sliding window: each sequence's columns [0, a) and [p, e) are outside it
                total = lengths[i] + 1
                c = torch.tensor(cuts[3 * i * b: 3 * (i + 1) * b], device=embed.device).reshape(b, 3)
                cols = torch.arange(total, device=embed.device).reshape(1, total)
                outside = (cols < c[:, 0:1]) | ((cols >= c[:, 1:2]) & (cols < c[:, 2:3]))
                cut = torch.zeros((b, total), dtype=embed.dtype, device=embed.device).masked_fill(
                    outside, float("-inf")).reshape(b, 1, 1, total)
                mask = cut if mask.numel() == 0 else mask[..., :total] + cut
            x = self.layer(x, weights[8 * i: 8 * i + 8], [cos, sin, mask], kv[2 * i: 2 * i + 2], lengths[i],
                           dims, eps)
        logits = torch.matmul(rms_norm(x.reshape(b, embed.shape[1]), head[1], eps), head[2]).float()
        return logits.argmax(-1).tolist()


def main():
    module = torch.jit.script(Decoder().eval())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) with torch {torch.__version__}")
    print(module.layer.code)
    print(module.prefill_layers.code)
    print(module.decode_token.code)


if __name__ == "__main__":
    main()
