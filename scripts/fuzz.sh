#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang in build-fuzz/ and runs each for SECONDS
# (default 20) from its committed seed corpus (tests/fuzz/corpus/<target>/; what the fuzzer finds
# goes to build-fuzz/corpus/<target>/, never into the repository).
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 3600 tokenizer_fuzz
# Exits 0 when no target failed, 1 when one did (its input is saved in build-fuzz/crashes/<target>/;
# replay it with build-fuzz/tests/fuzz/<target> FILE), 77 when clang or its fuzzer runtime is
# missing (Meson reads 77 as a skipped test).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(chat_request_fuzz sse_id_fuzz safetensors_header_fuzz tokenizer_fuzz image_decode_fuzz
           request_framing_fuzz)
fi

mkdir -p build-fuzz/logs
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is not installed (scripts/setup.sh installs clang); skipped"
  exit 77
fi
probe='extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }'
if ! echo "$probe" | clang++ -x c++ -fsanitize=fuzzer,address,undefined - -o build-fuzz/probe 2>build-fuzz/logs/probe.log; then
  echo "fuzz: clang++ cannot link -fsanitize=fuzzer (libclang-rt-14-dev missing?); skipped"
  exit 77
fi
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ meson setup build-fuzz -Dfuzz=true --buildtype=debugoptimized >build-fuzz/logs/setup.log ||
    { cat build-fuzz/logs/setup.log; exit 1; }
fi
ninja -C build-fuzz >build-fuzz/logs/build.log || { tail -40 build-fuzz/logs/build.log; exit 1; }

failed=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/crashes/$t"
  log="build-fuzz/logs/$t.log"
  "build-fuzz/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/$t/" "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $t ok: ${runs:-?} runs in ${seconds} s (${rate:-?} exec/s), ${cov:-cov: ?}"
  else
    echo "fuzz: $t FAILED (exit $rc); input in build-fuzz/crashes/$t/, log $log:"
    grep -v '^#' "$log" | tail -40
    failed=1
  fi
done
exit $failed
