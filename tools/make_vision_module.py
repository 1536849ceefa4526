"""Writes core/src/main/resources/org/v2drop/core/model/vision.pt: LLaVA's CLIP vision tower and projector as one call.

The engine's readable tower (VisionTower.features, Projector.project: about 30 DJL calls per encoder layer) is the
definition; this module runs the same torch ops in the same order in one TorchScript call, so that the images of a
batch cost one call into PyTorch instead of a few hundred (each DJL call crosses JNI and allocates a Java array: tens
of microseconds, which dominate a small tower and a GPU's launch-bound one). It has no parameters: the weights come
in as lists of tensors built once per model. Method:

  features(pixels, embed, weights, projector, wanted, dims, scale, eps, act, projector_act, drop_cls) -> features
    pixels     (images, channels, size, size) in the compute type
    embed      [patch_t (channels * patch * patch, hidden), class_embedding (hidden),
                position_embedding (patches + 1, hidden), pre_norm_weight, pre_norm_bias]
    weights    12 tensors per encoder layer, layer after layer: norm1 weight/bias, qkv_t (hidden, 3 * hidden),
               qkv bias, out_t, out bias, norm2 weight/bias, fc1_t, fc1 bias, fc2_t, fc2 bias (only the layers
               the selected hidden states need)
    projector  [linear1_t, bias1, linear2_t, bias2] (an empty tensor for a missing bias)
    wanted     hidden-state indices to select (0 = embeddings, i = after layer i), concatenated on the last axis
    dims       [patch, heads]
    scale      the attention scale (head_dim ** -0.5, computed by the caller as the readable tower does)
    eps        LayerNorm epsilon (as the readable tower passes it: a float32 value)
    act        the tower's activation; projector_act the projector's (HF names, as Ops.activation)
    drop_cls   drop the class token ("default" select strategy)
    returns    (images * tokens per image, text hidden)

Every op is the one VisionTower / Projector / Ops use (patch embedding as a matmul over unfolded patches, LayerNorm
by torch's kernel, fused q/k/v, SDPA with head_dim ** -0.5, quick GELU as sigmoid(1.702 x) * x, GELU-tanh in float32
rounded once), so its results equal the readable tower's bit for bit (FusedVisionIT). Run with the pinned torch of
tools/requirements.txt:

  python tools/make_vision_module.py
"""
import math
import pathlib
from typing import List

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "core/src/main/resources/org/v2drop/core/model/vision.pt"


def linear(x: torch.Tensor, w_t: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    y = torch.matmul(x, w_t)
    if bias.numel() == 0:
        return y
    return y + bias


def activation(x: torch.Tensor, name: str) -> torch.Tensor:
    if name == "gelu":
        return F.gelu(x)
    if name == "quick_gelu":
        return torch.sigmoid(x * 1.702) * x
    if name == "gelu_pytorch_tanh" or name == "gelu_new":
        xf = x.float()
        inner = (torch.pow(xf, torch.tensor(3.0)) * 0.044715 + xf) * math.sqrt(2.0 / math.pi)
        return ((torch.tanh(inner) + 1.0) * xf * 0.5).to(x.dtype)
    if name == "silu":  # torch's kernel, as HF's ACT2FN["silu"] and the readable Ops.activation call it
        return torch._C._nn.silu(x)
    if name == "relu":
        return torch.maximum(x, torch.tensor(0.0))
    raise RuntimeError("unsupported activation " + name)


class Vision(torch.nn.Module):
    def forward(self, pixels: torch.Tensor, embed: List[torch.Tensor], weights: List[torch.Tensor],
                projector: List[torch.Tensor], wanted: List[int], dims: List[int], scale: float, eps: float,
                act: str,
                projector_act: str, drop_cls: bool) -> torch.Tensor:
        return self.features(pixels, embed, weights, projector, wanted, dims, scale, eps, act, projector_act,
                             drop_cls)

    @torch.jit.export
    def features(self, pixels: torch.Tensor, embed: List[torch.Tensor], weights: List[torch.Tensor],
                 projector: List[torch.Tensor], wanted: List[int], dims: List[int], scale: float, eps: float,
                act: str,
                 projector_act: str, drop_cls: bool) -> torch.Tensor:
        p, heads = dims[0], dims[1]
        b, c = pixels.shape[0], pixels.shape[1]
        g = pixels.shape[2] // p
        patches = torch.matmul(
            pixels.reshape(b, c, g, p, g, p).permute(0, 2, 4, 1, 3, 5).reshape(b, g * g, c * p * p), embed[0])
        d = patches.shape[2]
        hd = d // heads
        cls = embed[1].reshape(1, 1, d).expand(b, 1, d).to(patches.dtype)
        x = torch.cat((cls, patches), 1) + embed[2]
        x = F.layer_norm(x, [d], embed[3], embed[4], eps)
        selected: List[torch.Tensor] = []
        layers = len(weights) // 12
        for i in range(layers + 1):
            for w in wanted:
                if w == i:
                    selected.append(x)
            if i == layers:
                break
            lw = weights[12 * i: 12 * i + 12]
            n = x.shape[1]
            normed = F.layer_norm(x, [d], lw[0], lw[1], eps)
            qkv = linear(normed, lw[2], lw[3]).reshape(b, n, 3, heads, hd).permute(2, 0, 3, 1, 4)
            attn = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], scale=scale)
            x = x + linear(attn.permute(0, 2, 1, 3).reshape(b, n, d), lw[4], lw[5])
            mlp = F.layer_norm(x, [d], lw[6], lw[7], eps)
            x = x + linear(activation(linear(mlp, lw[8], lw[9]), act), lw[10], lw[11])
        feats = selected[0] if len(selected) == 1 else torch.cat(selected, 2)
        if drop_cls:
            feats = feats[:, 1:, :]
        out = linear(activation(linear(feats, projector[0], projector[1]), projector_act), projector[2],
                     projector[3])
        return out.reshape(out.shape[0] * out.shape[1], out.shape[2])


def main():
    module = torch.jit.script(Vision().eval())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) with torch {torch.__version__}")
    print(module.features.code)


if __name__ == "__main__":
    main()
