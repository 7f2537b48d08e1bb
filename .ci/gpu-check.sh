#!/usr/bin/env bash
# What a CUDA machine must show before crossgen's GPU paths are trusted (issue 11, item 8). Needs a JDK 17,
# Maven, an NVIDIA driver for CUDA 13.1 and python3 (standard library only, to compare numbers); a few
# minutes after the first CUDA build (which downloads several GB). Run from the repository root:
#   .ci/gpu-check.sh [cuda:N]
# Checks, each printed as PASS/FAIL with its figure; exit 1 if any failed:
#   1. forward parity: the built-in model's logits on cuda (float32) against the CPU's, max |diff| <= 1e-3
#   2. one bf16 training step with activation checkpointing on cuda: finite loss, a checkpoint written
#   3. a 1-rank NCCL process group: the same training run through c10d (CROSSGEN_PROCESS_GROUP=1)
#   4. memory: a Llama-2-7B-shaped model with 2 layers trains 2 steps; measured peak against the plan
# Record the figures in docs/gpu.md.
set -uo pipefail
DEV=${1:-cuda}
W=$(mktemp -d /tmp/crossgen-gpu-check.XXXXXX)
export CROSSGEN_CUDA=${CROSSGEN_CUDA:-1}   # CROSSGEN_CUDA=0 .ci/gpu-check.sh cpu: a dry run of the script itself
FAILED=0
result() { if [ "$1" = 0 ]; then echo "PASS  $2"; else echo "FAIL  $2"; FAILED=1; fi; }

IDS=1,415,2768,338,263,1243,29889,450,3907,338,4628,322,278,17251,338,19587,29889,1094,263,1243,29892,372,338,2107
./crossgen score --ids $IDS --logits --device cpu > "$W/cpu.json" 2> "$W/cpu.err" || { cat "$W/cpu.err"; exit 1; }
./crossgen score --ids $IDS --logits --device "$DEV" > "$W/gpu.json" 2> "$W/gpu.err" || { cat "$W/gpu.err"; exit 1; }
DIFF=$(python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["logits"]; b = json.load(open(sys.argv[2]))["logits"]
print(max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb)))' "$W/cpu.json" "$W/gpu.json")
python3 -c "import sys; sys.exit(0 if float('$DIFF') <= 1e-3 else 1)"; result $? "forward parity $DEV vs cpu (float32, 24 positions): max |diff| $DIFF"

TRAIN=(train --dataset sentiment/amazon --method ft --limit 8 --batch-size 4 --micro-batch-size 4 --epochs 1 --max-length 256
       --precision bf16 --activation-checkpointing --device "$DEV" --json)
./crossgen "${TRAIN[@]}" --out "$W/bf16" > "$W/bf16.json" 2> "$W/bf16.err"
python3 -c 'import json, math, sys; j = json.load(open(sys.argv[1])); sys.exit(0 if math.isfinite(j["final_loss"]) else 1)' "$W/bf16.json" 2>/dev/null \
  && [ -f "$W/bf16/model.safetensors" ]; result $? "bf16 training with activation checkpointing on $DEV: $(tr -d '\n ' < "$W/bf16.json" | head -c 300)"

CROSSGEN_PROCESS_GROUP=1 RANK=0 WORLD_SIZE=1 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29531 \
  ./crossgen "${TRAIN[@]}" --out "$W/nccl" > "$W/nccl.json" 2> "$W/nccl.err"
grep -q "NCCL process group up" "$W/nccl.err"; result $? "1-rank NCCL group: $(grep -o 'rank 0 of 1: NCCL process group up[^)]*)' "$W/nccl.err" | head -1)"

./crossgen train --model examples/llama-2-7b-config --dry-run --measure --layers 2 --precision bf16 --activation-checkpointing \
  --micro-batch-size 1 --batch-size 1 --max-length 1024 --device "$DEV" --json > "$W/mem.json" 2> "$W/mem.err"
RATIO=$(python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(round(j["measured_peak_bytes"] / j["planned_bytes_without_runtime"], 3))' "$W/mem.json" 2>/dev/null)
[ -n "$RATIO" ] && python3 -c "import sys; sys.exit(0 if 0.5 <= $RATIO <= 1.2 else 1)"
result $? "7B-shaped model, 2 layers, bf16 + checkpointing, 1 x 1024 tokens: measured/planned peak $RATIO (plan must not underestimate by >20%)"

echo "gpu-check: outputs in $W"
exit $FAILED
