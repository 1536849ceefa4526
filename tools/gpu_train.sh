#!/usr/bin/env bash
# Trains demo-model candidates side by side on one GPU (device machine); each comes back as $OUT/<name>.tar.
# Usage (repo root, suite prompts in .suite/_prompts): tools/gpu_train.sh STEPS NAME='ARGS' [NAME='ARGS' ...]
set -euo pipefail
steps=$1; shift
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 -c "import torch, transformers; print('torch', torch.__version__, 'transformers', transformers.__version__)"
names=()
for cfg in "$@"; do
  name=${cfg%%=*}; extra=${cfg#*=}; names+=("$name")
  # shellcheck disable=SC2086
  PYTHONUNBUFFERED=1 python3 tools/train_demo_model.py --suite .suite --out "/tmp/$name" --steps "$steps" \
    --threads 4 --max-seconds 400 $extra > "$OUT/$name.log" 2>&1 &
done
wait
for name in "${names[@]}"; do
  grep -E "teacher|stopping" "$OUT/$name.log" | tail -2
  [ -d "/tmp/$name" ] && tar -C /tmp -cf "$OUT/$name.tar" "$name"
done
