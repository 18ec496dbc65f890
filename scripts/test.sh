#!/usr/bin/env bash
# Sets up, builds and runs every test suite; ends with a line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
scripts/build.sh || exit 1
meson test -C build --print-errorlogs --num-processes 2 "$@"
rc=$?
python3 scripts/test_summary.py build/meson-logs/testlog.junit.xml || rc=1
exit $rc
