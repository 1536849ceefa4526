"""Writes core/src/test/resources/fixtures/qwen2vl-mrope/reference.json: M-RoPE position ids and rope deltas as HF's
Qwen2-VL and Qwen2.5-VL models compute them (get_rope_index at the transformers version pinned in
tools/requirements.txt), for MropePositionsTest.

Each case is a sequence of token types (0 text, 1 image, 2 video) with the images' and videos' (t, h, w) patch grids
(and for Qwen2.5-VL the seconds per temporal grid of each video); the reference holds the (3, n) position ids, the
delta that decoding adds to the cache position, and the decoder's rotary cos and sin (n, head_dim) for those ids
(mrope_section [2, 3, 3]: each frequency chunk takes its row). Beside it, qwen2_vl/ and qwen2_5_vl/ hold the tiny
models' config.json as save_pretrained writes them. The models are tiny random ones (get_rope_index reads only the
config's spatial_merge_size and tokens_per_second; the rotary embedding its rope parameters). Run with tools/requirements.txt installed:

  python tools/make_mrope_fixture.py
"""
import json
import pathlib

import torch
from transformers import Qwen2VLConfig, Qwen2_5_VLConfig
from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VLModel
from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VLModel

OUT = pathlib.Path(__file__).resolve().parent.parent / "core/src/test/resources/fixtures/qwen2vl-mrope"
TEXT = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
            vocab_size=64, rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]})
VISION = dict(depth=1, embed_dim=16, hidden_size=32, num_heads=2, spatial_merge_size=2, patch_size=14)
VISION_25 = dict(depth=1, hidden_size=16, out_hidden_size=32, intermediate_size=32, num_heads=2, spatial_merge_size=2,
                 patch_size=14, tokens_per_second=2, fullatt_block_indexes=[0])


def span(kind, n):
    return [kind] * n


CASES = [
    # name, types, image grids, video grids, seconds per video grid (Qwen2.5-VL)
    ("text only", span(0, 7), [], [], []),
    ("one image", span(0, 3) + span(1, 6) + span(0, 4), [[1, 4, 6]], [], []),
    ("image first, two images", span(1, 6) + span(0, 2) + span(1, 4) + span(0, 3), [[1, 6, 4], [1, 2, 8]], [], []),
    ("video longer in time than wide", span(0, 2) + span(2, 12) + span(0, 3), [], [[3, 4, 4]], [1.0]),
    ("image and video", span(0, 2) + span(1, 4) + span(0, 1) + span(2, 12) + span(0, 2), [[1, 4, 4]], [[2, 4, 6]],
     [2.5]),
    ("two videos", span(0, 1) + span(2, 4) + span(0, 1) + span(2, 8) + span(0, 1), [], [[1, 4, 4], [4, 2, 4]],
     [0.5, 3.0]),
]


def run(model, types, images, videos, seconds, qwen25):
    n = len(types)
    ids = torch.arange(n).view(1, n) % 50
    tt = torch.tensor(types, dtype=torch.int32).view(1, n)
    kwargs = dict(mm_token_type_ids=tt,
                  image_grid_thw=torch.tensor(images) if images else None,
                  video_grid_thw=torch.tensor(videos) if videos else None)
    if qwen25:
        kwargs["second_per_grid_ts"] = torch.tensor(seconds) if seconds else None
    pos, delta = model.get_rope_index(ids, **kwargs)
    assert pos.shape == (3, 1, n)
    x = torch.zeros(1, n, TEXT["hidden_size"])
    cos, sin = model.language_model.rotary_emb(x, pos)  # (1, n, head_dim) each, float32
    assert sum(t * h * w // 4 for t, h, w in images) == types.count(1)
    assert sum(t * h * w // 4 for t, h, w in videos) == types.count(2)
    return pos[:, 0].tolist(), int(delta.view(-1)[0]), cos[0].tolist(), sin[0].tolist()


def main():
    torch.manual_seed(0)
    qwen2 = Qwen2VLModel(Qwen2VLConfig(text_config=TEXT, vision_config=VISION)).eval()
    qwen25 = Qwen2_5_VLModel(Qwen2_5_VLConfig(text_config=TEXT, vision_config=VISION_25)).eval()
    out = {"fixture_version": 1, "spatial_merge_size": 2, "tokens_per_second": 2, "rope_theta": 10000.0,
           "head_dim": TEXT["hidden_size"] // TEXT["num_attention_heads"],
           "mrope_section": TEXT["rope_parameters"]["mrope_section"], "cases": []}
    for name, types, images, videos, seconds in CASES:
        for family, model in (("qwen2_vl", qwen2), ("qwen2_5_vl", qwen25)):
            pos, delta, cos, sin = run(model, types, images, videos, seconds, family == "qwen2_5_vl")
            out["cases"].append({"name": name, "family": family, "types": types, "image_grid_thw": images,
                                 "video_grid_thw": videos, "second_per_grid_ts": seconds if family == "qwen2_5_vl" else [],
                                 "position_ids": pos, "rope_delta": delta, "cos": cos, "sin": sin})
            print(family, name, "delta", delta)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "reference.json").write_text(json.dumps(out) + "\n")
    # the two models' configs as save_pretrained writes them (Qwen2VlConfigTest reads them back)
    for family, model in (("qwen2_vl", qwen2), ("qwen2_5_vl", qwen25)):
        model.config.save_pretrained(str(OUT / family))


if __name__ == "__main__":
    main()
