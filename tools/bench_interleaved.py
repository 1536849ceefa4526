#!/usr/bin/env python3
"""Java engine and HF transformers timed in alternation, generation by generation, on one synthetic sample.

    python3 tools/bench_interleaved.py --model DIR [--images N] [--new-tokens N] [--prompt-tokens N] [--threads N]
        [--warmup N] [--rounds N] [--java METHOD,...] [--hf METHOD,...] [--readable METHOD,...] [--python EXE]
        [--image-size WxH] [--video-frames N]

A shared VM's speed drifts by 10-40% within minutes, so two engines timed one after the other can differ by more
than the effect measured. This starts `bin/v2drop bench --serve` and `tools/hf_bench.py --serve` (each loads the
model once), warms every (engine, method) up, then runs --rounds rounds; each round times one generation of every
(engine, method), one after the other, with the order rotated from round to round. Only one process computes at a
time (the other waits on its stdin). Prints one JSON line per (round, engine, method) in the format of
tools/bench_side_by_side.sh, which tools/bench_table.py summarises (ratios within a round). --readable adds a third
engine, "java-readable": the Java engine with its decoder layers as separate DJL calls (-Dv2drop.decoder.fused=false)
instead of one TorchScript call each.
Needs: a built project (bin/v2drop) and a Python with tools/requirements.txt (--python, default: this one).
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def methods(text):
    """A comma-separated list of method specs, a spec's own stages kept together: 'vanilla,v2drop@3:0.5,17:0.5'
    is vanilla and v2drop@3:0.5,17:0.5 (a part without '@' that is not a method name continues the spec before)."""
    out = []
    for part in (p for p in text.split(",") if p):
        if out and "@" not in part and part != "vanilla":
            out[-1] += "," + part
        else:
            out.append(part)
    return out


class Server:
    """One engine answering "SPEC N" request lines with one JSON line each."""

    def __init__(self, engine, command, env=None):
        self.engine = engine
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                     env=env)
        ready = self._read()
        if not ready.get("ready"):
            raise SystemExit(f"{engine}: expected the ready line, got {ready}")

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise SystemExit(f"{self.engine} bench server exited with status {code} (its stderr is above)")
        return json.loads(line)

    def run(self, method, repeat):
        self.proc.stdin.write(f"{method} {repeat}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise SystemExit(f"{self.engine} bench server exited with status {self.proc.returncode}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--images", type=int, default=1)
    ap.add_argument("--new-tokens", type=int, default=4)
    ap.add_argument("--prompt-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=5, help="untimed generations per (engine, method) first")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--java", default="vanilla,v2drop@llava-192", help="methods timed on the Java engine")
    ap.add_argument("--hf", default="vanilla,v2drop@llava-192", help="methods timed on HF (vanilla, v2drop only)")
    ap.add_argument("--readable", default="", help="methods timed on the Java engine with unfused layers")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--image-size", default="", help="WxH of the synthetic images (dynamic-resolution families)")
    ap.add_argument("--video-frames", type=int, default=0, help="one synthetic video of N frames (Qwen2-VL)")
    args = ap.parse_args()
    if args.rounds < 1 or args.warmup < 0:
        ap.error("--rounds must be >= 1 and --warmup >= 0")
    common = ["--model", args.model, "--serve", "--images", str(args.images), "--new-tokens", str(args.new_tokens),
              "--prompt-tokens", str(args.prompt_tokens), "--threads", str(args.threads)]
    if args.image_size:
        common += ["--image-size", args.image_size]
    if args.video_frames:
        common += ["--video-frames", str(args.video_frames)]
    entries = [("java", m) for m in methods(args.java)] + [("hf", m) for m in methods(args.hf)]
    entries += [("java-readable", m) for m in methods(args.readable)]
    servers = {}
    try:
        if any(e == "java" for e, _ in entries):
            servers["java"] = Server("java", [os.path.join(ROOT, "bin", "v2drop"), "bench"] + common)
        if any(e == "java-readable" for e, _ in entries):
            env = dict(os.environ)
            env["V2DROP_JAVA_OPTS"] = (env.get("V2DROP_JAVA_OPTS", "-Xmx8g") + " -Dv2drop.decoder.fused=false").strip()
            servers["java-readable"] = Server("java-readable", [os.path.join(ROOT, "bin", "v2drop"), "bench"] + common,
                                              env)
        if any(e == "hf" for e, _ in entries):
            servers["hf"] = Server("hf", [args.python, os.path.join(ROOT, "tools", "hf_bench.py")] + common)
        for engine, method in entries:
            if args.warmup:
                servers[engine].run(method, args.warmup)
            print(f"warmed up {engine} {method}", file=sys.stderr, flush=True)
        for r in range(1, args.rounds + 1):
            shift = (r - 1) % len(entries)
            for engine, method in entries[shift:] + entries[:shift]:
                result = servers[engine].run(method, 1)
                result["warmup"] = args.warmup
                print(json.dumps({"round": r, "engine": engine, "images": args.images, "result": result}), flush=True)
            print(f"round {r}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for s in servers.values():
            if s.proc.poll() is None:
                s.close()


if __name__ == "__main__":
    main()
