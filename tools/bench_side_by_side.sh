#!/usr/bin/env bash
# Side-by-side CPU benchmark of the Java engine (bin/v2drop bench --serve) and HF transformers (tools/hf_bench.py
# --serve) on the same shape checkpoint, inputs and thread count, timed in alternation generation by generation
# (tools/bench_interleaved.py). Prints one JSON line per (round, engine, method, regime); tools/bench_table.py turns
# them into BENCHMARKS.md's tables (medians over rounds, ratios within a round).
#
#   tools/bench_side_by_side.sh [CHECKPOINT] [THREADS] [ROUNDS]
#     CHECKPOINT  default target/shape-llava-512 (written by tools/make_shape_checkpoint.py if missing)
#     THREADS     PyTorch intra-op threads on both sides (default 2)
#     ROUNDS      rounds of the 1-image regimes (default 9; the 8-image regime runs a third of them, at least 1)
#     PYTHON      env: the Python with tools/requirements.txt (default python3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CKPT="${1:-$ROOT/target/shape-llava-512}"
THREADS="${2:-2}"
ROUNDS="${3:-9}"
PY="${PYTHON:-python3}"
if [[ ! -f "$CKPT/config.json" ]]; then
  (cd "$ROOT/tools" && "$PY" make_shape_checkpoint.py --out "$CKPT") >&2
fi
regime() { # images new_tokens rounds warmup java_methods
  "$PY" "$ROOT/tools/bench_interleaved.py" --model "$CKPT" --python "$PY" --threads "$THREADS" --prompt-tokens 64 \
    --images "$1" --new-tokens "$2" --rounds "$3" --warmup "$4" --java "$5" --hf vanilla,v2drop@llava-192
}
# prefill-bound: every method on the Java side (FastV / PDrop against V2Drop at equal budget)
ALL=vanilla,v2drop@llava-192,v2drop@3:0.5,fastv@3:0.5,pdrop@llava-192,v2drop@llava-128,v2drop@llava-64
regime 1 4 "$ROUNDS" 5 "$ALL"
# decode-bound
regime 1 32 "$ROUNDS" 5 vanilla,v2drop@llava-192
# video scale: ~1 TFLOP per vanilla prefill; one warm-up (the JVM's compilation is a few % of a 10 s prefill)
regime "${BENCH_VIDEO_IMAGES:-8}" 4 "$(( ROUNDS / 3 > 0 ? ROUNDS / 3 : 1 ))" 1 vanilla,v2drop@llava-192
# small model (the demo model, 1 image, 60 text tokens, 32 new tokens): per-call overhead, not matmuls, dominates;
# the Java engine also runs with unfused decoder layers (java-readable) to show what fusing them buys
SMALL="${BENCH_SMALL_MODEL:-$ROOT/models/shapes-llava-v2}"
if [[ -f "$SMALL/config.json" ]]; then
  "$PY" "$ROOT/tools/bench_interleaved.py" --model "$SMALL" --python "$PY" --threads "$THREADS" --prompt-tokens 60 \
    --images 1 --new-tokens 32 --rounds "$ROUNDS" --warmup 5 --java vanilla,v2drop@llava-192 \
    --hf vanilla,v2drop@llava-192 --readable vanilla,v2drop@llava-192
fi
