"""Writes the video decoder's fixtures: small video files in the containers and codecs real
benchmarks use, and the frames decord would return for them (core/src/test/resources/fixtures/video).

decord (what lmms-eval decodes videos with) is not installable here, so the reference reproduces
its semantics with PyAV on FFmpeg's own demuxers, decoders and filters (docs/video.md):
- len(vr) is the number of demuxed packets of the best video stream (IndexKeyframes);
- frame i is the i-th packet timestamp in sorted (presentation) order, decoded exactly;
- RGB comes from the filter graph decord builds, "scale=W:H" into an rgb24 sink, with the scale
  filter's defaults of the FFmpeg decord's wheel is built on (4.1: flags=bilinear, in_color_matrix
  auto: BT.709 for tagged video, BT.601 otherwise).
Every frame carries its index as a 10-bit code of 8x8 black/white blocks along the top, so which
frame came back is checked independently of pixel values.

Usage: python tools/make_video_fixtures.py [--out core/src/test/resources/fixtures/video]
(pinned environment: tools/requirements.txt plus av==18.1.0).
"""

import argparse
import fractions
import json
import os

import av
import numpy as np
from PIL import Image

CODE_BITS = 10
BLOCK = 8


def content(i, w, h, n):
    """A colourful, moving, compressible frame whose top row encodes i."""
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 255 // max(1, w - 1) + 7 * i) % 256
    g = (y * 255 // max(1, h - 1) + 3 * i) % 256
    b = ((x + y + 11 * i) * 2) % 256
    img = np.stack([r, g, b], axis=-1).astype(np.uint8)
    cx = int((w - 16) * i / max(1, n - 1))
    img[h // 2 - 6:h // 2 + 6, cx:cx + 12] = (250, 40, 40)
    img[:BLOCK + 2, :] = 128
    for bit in range(CODE_BITS):
        v = 255 if (i >> bit) & 1 else 0
        img[1:1 + BLOCK, 1 + bit * BLOCK:1 + (bit + 1) * BLOCK] = v
    return img


def read_code(rgb):
    """The index a decoded frame carries (rgb: H x W x 3)."""
    code = 0
    for bit in range(CODE_BITS):
        block = rgb[2:BLOCK, 2 + bit * BLOCK:(bit + 1) * BLOCK - 1]
        if block.mean() > 128:
            code |= 1 << bit
    return code


def write(path, codec, w, h, n, rate=25, pts=None, options=None, colorspace=None, container=None):
    out = av.open(path, "w", format=container)
    s = out.add_stream(codec, rate=rate)
    s.width, s.height, s.pix_fmt = w, h, "yuv420p"
    if options:
        s.options = options
    if pts is not None:
        s.codec_context.time_base = fractions.Fraction(1, 1000)
    if colorspace is not None:
        s.codec_context.colorspace = colorspace
        s.codec_context.color_range = 1  # limited (tv)
    for i in range(n):
        f = av.VideoFrame.from_ndarray(content(i, w, h, n), format="rgb24")
        f = f.reformat(format="yuv420p", dst_colorspace=colorspace or 5)
        if pts is not None:
            f.pts = pts[i]
            f.time_base = fractions.Fraction(1, 1000)
        for p in s.encode(f):
            out.mux(p)
    for p in s.encode():
        out.mux(p)
    out.close()


def decord_frames(path):
    """(frame count, {index: rgb}) for every frame, with decord's semantics (module docstring)."""
    c = av.open(path)
    st = c.streams.video[0]
    pts = sorted(p.pts if p.pts is not None else p.dts for p in c.demux(st) if p.size > 0
                 or p.pts is not None)
    c.close()
    c = av.open(path)
    st = c.streams.video[0]
    st.thread_type = "NONE"
    w, h = st.codec_context.width, st.codec_context.height
    graph = av.filter.Graph()
    src = graph.add_buffer(template=st)
    scale = graph.add("scale", f"w={w}:h={h}:flags=bilinear")
    fmt = graph.add("format", "rgb24")
    sink = graph.add("buffersink")
    src.link_to(scale)
    scale.link_to(fmt)
    fmt.link_to(sink)
    graph.configure()
    index = {t: i for i, t in reversed(list(enumerate(pts)))}
    frames = {}
    for frame in c.decode(st):
        graph.push(frame)
        out = graph.pull()
        t = frame.pts if frame.pts is not None else frame.dts
        frames[index[t]] = out.to_ndarray(format="rgb24")
    c.close()
    return len(pts), frames, w, h


def uniform(total, n):
    return [int(x) for x in np.linspace(0, total - 1, n, dtype=int)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="core/src/test/resources/fixtures/video")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(7)
    vfr = np.cumsum(rng.choice([20, 40, 33, 100], size=30)).tolist()
    vfr = [0] + vfr[:-1]
    files = {
        # H.264 yuv420p in mp4 with B-frames and short GOPs: seeking must land exactly
        "h264.mp4": dict(codec="libx264", w=96, h=64, n=60,
                         options={"g": "12", "bf": "2", "crf": "8", "preset": "medium"}),
        # H.264 in Matroska: nb_frames is 0, the count comes from the packets
        "clip.mkv": dict(codec="libx264", w=96, h=64, n=25,
                         options={"g": "10", "bf": "3", "crf": "8"}),
        # variable frame rate: frame i is the i-th timestamp, not i / fps
        "vfr.mp4": dict(codec="libx264", w=80, h=48, n=30, pts=vfr,
                        options={"g": "8", "bf": "0", "crf": "8"}),
        # odd width and height (4:2:0 chroma rounds up; odd heights take swscale's scaled path)
        "odd.mkv": dict(codec="ffv1", w=75, h=49, n=12, options={"g": "4"}),
        # BT.709-tagged: decord converts with the tagged matrix
        "bt709.mp4": dict(codec="libx264", w=96, h=48, n=10, colorspace=1,
                          options={"g": "5", "crf": "8"}),
    }
    ref = {}
    for name, spec in files.items():
        path = os.path.join(args.out, name)
        write(path, spec["codec"], spec["w"], spec["h"], spec["n"], pts=spec.get("pts"),
              options=spec.get("options"), colorspace=spec.get("colorspace"))
        total, frames, w, h = decord_frames(path)
        assert total == spec["n"], (name, total)
        assert len(frames) == total, (name, len(frames))
        for i, f in frames.items():
            assert read_code(f) == i, (name, i, read_code(f))
        indices = sorted(set(uniform(total, 8) + [total - 1, 1]))
        d = os.path.join(args.out, name.replace(".", "_"))
        os.makedirs(d, exist_ok=True)
        for i in indices:
            Image.fromarray(frames[i]).save(os.path.join(d, f"{i}.png"))
        ref[name] = dict(frames=total, width=w, height=h, codec=spec["codec"],
                         uniform8=uniform(total, 8), indices=indices)
        print(name, total, w, h, len(indices))
    ref["code"] = dict(bits=CODE_BITS, block=BLOCK)
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
