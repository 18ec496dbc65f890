#!/usr/bin/env bash
# Sets up, builds and starts the server in the foreground (configuration from the environment or .env).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --serve   # installs only missing packages; needs no root when none are
scripts/build.sh
exec build/vlserve serve "$@"
