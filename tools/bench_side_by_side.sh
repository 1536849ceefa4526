#!/usr/bin/env bash
# Side-by-side CPU benchmark of the Java engine (bin/v2drop bench) and HF transformers (tools/hf_bench.py) on the same
# shape checkpoint, inputs and thread count. Prints one JSON line per (engine, method, regime); BENCHMARKS.md records
# the results with the machine and the date.
#
#   tools/bench_side_by_side.sh [CHECKPOINT] [THREADS] [REPEAT]
#     CHECKPOINT  default target/shape-llava-512 (written by tools/make_shape_checkpoint.py if missing)
#     PYTHON      env: the Python with tools/requirements.txt (default python3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CKPT="${1:-$ROOT/target/shape-llava-512}"
THREADS="${2:-2}"
REPEAT="${3:-3}"
PY="${PYTHON:-python3}"
if [[ ! -f "$CKPT/config.json" ]]; then
  (cd "$ROOT/tools" && "$PY" make_shape_checkpoint.py --out "$CKPT") >&2
fi
run() { # engine method images new_tokens [repeat] [warmup]
  local engine=$1 method=$2 images=$3 new=$4 rep=${5:-$REPEAT} warm=${6:-5} out
  if [[ $engine == java ]]; then
    out=$("$ROOT/bin/v2drop" bench --model "$CKPT" --method "$method" --images "$images" --new-tokens "$new" \
      --prompt-tokens 64 --warmup "$warm" --repeat "$rep" --threads "$THREADS")
  else
    out=$("$PY" "$ROOT/tools/hf_bench.py" --model "$CKPT" --method "$method" --images "$images" --new-tokens "$new" \
      --prompt-tokens 64 --warmup "$warm" --repeat "$rep" --threads "$THREADS")
  fi
  echo "{\"engine\": \"$engine\", \"images\": $images, \"result\": $out}"
}
# regime: images new_tokens repeat warmup (the 8-image prompt costs ~1 TFLOP per prefill: one warm-up, one timed
# repeat; there the JVM's warm-up compilation is a few % of a 10 s prefill)
for regime in "1 4 $REPEAT 5" "1 32 $REPEAT 5" "${BENCH_VIDEO_IMAGES:-8} 4 1 1"; do
  set -- $regime
  for method in vanilla v2drop@llava-192; do
    run java "$method" "$1" "$2" "$3" "$4"
    run hf "$method" "$1" "$2" "$3" "$4"
  done
  if [[ $1 == 1 && $2 == 4 ]]; then
    for method in v2drop@3:0.5 fastv@3:0.5 pdrop@llava-192 v2drop@llava-128 v2drop@llava-64; do
      run java "$method" "$1" "$2"
    done
  fi
done
