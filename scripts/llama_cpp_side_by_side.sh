#!/usr/bin/env bash
# Times llama.cpp (llama-bench) and `vlserve bench` on the same checkpoint, one after the other,
# with the same thread count, prompt lengths and repetitions.
#
# usage: scripts/llama_cpp_side_by_side.sh MODEL_DIR [PROMPTS=512,2048] [REPEAT=5] [DECODE=32]
#
# llama.cpp is not in Debian 12; npm's node-llama-cpp package carries a git bundle of the
# llama.cpp release it wraps, so the source comes from the npm registry (no prebuilt binaries: the
# optional platform packages are skipped) and llama-bench is built here for this CPU
# (GGML_NATIVE). The checkpoint's text decoder is written as GGUF by gguf_from_checkpoint.py
# (same bf16 values; llama.cpp's "qwen3" architecture, plain RoPE). Everything goes under
# $LLAMA_CPP_WORK (default /tmp/vlserve-llama-cpp) and is reused by later runs.
set -euo pipefail

model=${1:?usage: scripts/llama_cpp_side_by_side.sh MODEL_DIR [PROMPTS] [REPEAT] [DECODE]}
prompts=${2:-512,2048}
repeat=${3:-5}
decode=${4:-32}
work=${LLAMA_CPP_WORK:-/tmp/vlserve-llama-cpp}
node_llama_cpp_version=3.22.1
repo=$(cd "$(dirname "$0")/.." && pwd)
threads=$(nproc)

mkdir -p "$work"
if [ ! -x "$work/build/bin/llama-bench" ]; then
  if [ ! -d "$work/src" ]; then
    echo "side-by-side: fetching node-llama-cpp@$node_llama_cpp_version from npm for its llama.cpp source" >&2
    npm install --prefix "$work/npm" --no-save --ignore-scripts --omit=optional --no-audit --no-fund \
      "node-llama-cpp@$node_llama_cpp_version" >&2
    git clone -q "$work/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$work/src"
  fi
  echo "side-by-side: building llama-bench (a few minutes on 2 cores)" >&2
  cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF >&2
  cmake --build "$work/build" --target llama-bench -j "$threads" >&2
fi

gguf="$work/$(basename "$model").gguf"
if [ ! -f "$gguf" ] || [ "$model/model.safetensors" -nt "$gguf" ]; then
  python3 "$repo/scripts/gguf_from_checkpoint.py" "$model" "$gguf" >&2
fi

echo "## CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $threads threads, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## llama.cpp $(git -C "$work/src" log -1 --format=%h) llama-bench"
"$work/build/bin/llama-bench" -m "$gguf" -t "$threads" -p "$prompts" -n "$decode" -r "$repeat" -o md
echo "## vlserve bench"
"$repo/build/vlserve" bench --model "$model" --prompt "$prompts" --decode "$decode" --batches 1 \
  --repeat "$repeat"
echo "## load after: $(cut -d' ' -f1-3 /proc/loadavg)"
