"""Writes core/src/main/resources/org/v2drop/core/model/sdpa.pt: torch's fused attention as a TorchScript module.

DJL 0.36 exposes no scaled_dot_product_attention, but it runs TorchScript methods; this module has no parameters
and only forwards its arguments to the kernel HF transformers itself calls (attn_implementation="sdpa"), so the
engine gets the same fused, blocked, online-softmax attention. Three methods, because DJL cannot pass None:

  causal(q, k, v, scale)        prefill of a sequence with nothing cached: query i sees keys 0..i
  masked(q, k, v, mask, scale)  any additive float mask, broadcastable to (batch, heads, queries, keys)
  full(q, k, v, scale)          every query sees every key (one decode query; the CLIP vision tower)
  silu(x)                       torch's SiLU kernel (HF's ACT2FN["silu"]: one pass, in half precision computed in
                                float32 and rounded once), which DJL's JNI does not expose

q: (batch, heads, queries, head_dim); k, v: (batch, heads, keys, head_dim) with as many heads as q (the engine
repeats grouped kv heads first, as HF's repeat_kv). Run with the pinned torch of tools/requirements.txt:

  python tools/make_sdpa_module.py

The Java test TorchAttentionTest reads the module's code back and checks these exact calls.
"""
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "core/src/main/resources/org/v2drop/core/model/sdpa.pt"


class Sdpa(torch.nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float) -> torch.Tensor:
        return self.causal(q, k, v, scale)

    @torch.jit.export
    def causal(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)

    @torch.jit.export
    def masked(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor,
               scale: float) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)

    @torch.jit.export
    def full(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, scale=scale)

    @torch.jit.export
    def silu(self, x: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.silu(x)


def main():
    module = torch.jit.script(Sdpa().eval())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) with torch {torch.__version__}")
    print(module.code)


if __name__ == "__main__":
    main()
