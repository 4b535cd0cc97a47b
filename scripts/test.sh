#!/usr/bin/env bash
# Runs the whole test suite. pytest's exit code 5 (no tests collected) is a failure: a run that tests
# nothing proves nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" = "5" ]; then
  echo "没有收集到任何测试：视为失败" >&2
  exit 1
fi
exit "$status"
