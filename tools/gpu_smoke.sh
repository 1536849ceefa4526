#!/usr/bin/env bash
# GPU smoke test for a machine with CUDA, Java 17 and Maven: the engine in float16 on the GPU against HF transformers
# on the same GPU, on a LLaVA-1.5-7B-shaped random checkpoint. Prints one table; exits non-zero (never skips) when
# CUDA is not visible, to this script or to DJL.
#
#   tools/gpu_smoke.sh [CHECKPOINT_DIR]          (default target/shape-llava-7b, written on first use: ~14 GB fp16)
#
# Environment: V2DROP_PYTHON  a Python with tools/requirements.txt and a CUDA build of torch (default python3)
#              PYTORCH_LIBRARY_PATH, PYTORCH_VERSION  use a local libtorch instead of DJL's pytorch-native-cu128
#                                                     (then the build keeps the default profile)
#              SMOKE_OUT    where the JSON outputs go (default target/gpu-smoke)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${V2DROP_PYTHON:-python3}"
CKPT="${1:-$ROOT/target/shape-llava-7b}"
OUT="${SMOKE_OUT:-$ROOT/target/gpu-smoke}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
fail() { echo "gpu_smoke: $*" >&2; exit 1; }

command -v nvidia-smi >/dev/null || fail "nvidia-smi not found: this is not a CUDA machine"
nvidia-smi -L | grep -q GPU || fail "nvidia-smi lists no GPU"
"$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" \
  || fail "$PY's torch does not see CUDA (install a CUDA build of torch for the HF side)"
mkdir -p "$OUT"

echo "gpu_smoke: building (-Pgpu unless PYTORCH_LIBRARY_PATH is set) ..." >&2
if [[ -n "${PYTORCH_LIBRARY_PATH:-}" ]]; then
  mvn -q -B -DskipTests -Dspotless.check.skip=true install
else
  mvn -q -B -DskipTests -Dspotless.check.skip=true -Pgpu install
fi
export V2DROP_SKIP_BUILD=1 V2DROP_JAVA_OPTS="${V2DROP_JAVA_OPTS:--Xmx16g}"

if [[ ! -f "$CKPT/config.json" ]]; then
  echo "gpu_smoke: writing a LLaVA-1.5-7B-shaped random checkpoint to $CKPT ..." >&2
  (cd tools && "$PY" make_shape_checkpoint.py --out "$CKPT" --hidden 4096 --max-shard-size 5GB)
fi

# trace on the GPU: fails (exit 2, "DJL's PyTorch engine sees 0 GPU(s)") when DJL has no CUDA build
bin/v2drop trace --model "$CKPT" --prompt "USER: What is in the picture? ASSISTANT:" --method vanilla \
  --max-new-tokens 8 --device gpu --dtype float16 > "$OUT/trace.json" \
  || fail "bin/v2drop trace --device gpu failed (is CUDA visible to DJL? see the message above)"

for m in vanilla v2drop@llava-192; do
  bin/v2drop bench --model "$CKPT" --method "$m" --device gpu --dtype float16 --images 1 --new-tokens 32 \
    --warmup 3 --repeat 5 > "$OUT/java-$m.json"
  "$PY" tools/hf_bench.py --model "$CKPT" --method "$m" --device cuda --dtype float16 --images 1 --new-tokens 32 \
    --warmup 3 --repeat 5 > "$OUT/hf-$m.json"
done

"$PY" - "$CKPT" "$OUT" <<'PYEOF'
import json, sys, torch
from transformers import AutoTokenizer, LlavaForConditionalGeneration
ckpt, out = sys.argv[1], sys.argv[2]
trace = json.load(open(f"{out}/trace.json"))
model = LlavaForConditionalGeneration.from_pretrained(ckpt, dtype=torch.float16, attn_implementation="sdpa").cuda()
ids = torch.tensor([trace["input_ids"]]).cuda()
with torch.no_grad():
    gen = model.generate(input_ids=ids, max_new_tokens=8, do_sample=False, output_scores=True,
                         return_dict_in_generate=True)
hf_ids = gen.sequences[0, ids.shape[1]:].tolist()
margins = [float(s[0].float().topk(2).values.diff().abs()) for s in gen.scores]
print(f"trace (float16, text only): Java ids {trace['generated_ids']}")
print(f"                            HF   ids {hf_ids}  (HF top-2 margins {[round(m, 3) for m in margins]})")
print(f"                            equal: {trace['generated_ids'] == hf_ids}")
print()
print("| engine | method | vision ms | prefill ms | decode ms/token | LLM total ms | peak device MiB |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for m in ["vanilla", "v2drop@llava-192"]:
    for engine in ["java", "hf"]:
        r = json.load(open(f"{out}/{engine}-{m}.json"))
        peak = r.get("peak_device_mb")
        print(f"| {engine} ({r.get('dtype')}, {r.get('device')}) | {m} | {r['vision_ms']:.1f} | {r['prefill_ms']:.1f} | "
              f"{r['decode_ms_per_token']:.2f} | {r['llm_total_ms']:.1f} | {'-' if peak is None else f'{peak:,.0f}'} |")
for m in ["vanilla", "v2drop@llava-192"]:
    j, h = (json.load(open(f"{out}/{e}-{m}.json")) for e in ["java", "hf"])
    print(f"{m}: Java/HF prefill {j['prefill_ms'] / h['prefill_ms']:.2f}, decode "
          f"{j['decode_ms_per_token'] / h['decode_ms_per_token']:.2f}, total {j['llm_total_ms'] / h['llm_total_ms']:.2f}")
PYEOF
