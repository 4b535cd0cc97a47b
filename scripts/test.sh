#!/usr/bin/env bash
# Runs the checks and then the whole test suite: mypy on the package (settings in pyproject.toml's
# [tool.mypy]), ruff on the code, tests and benchmarks, then pytest. Any of them failing fails the run.
# pytest's exit code 5 (no tests collected) is a failure: a run that tests nothing proves nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
(cd src && ../.venv/bin/python -m mypy --config-file ../pyproject.toml -p jixiao) || {
  echo "mypy 类型检查未通过（见上方）" >&2
  exit 1
}
.venv/bin/ruff check src tests bench || {
  echo "ruff 代码检查未通过（见上方）" >&2
  exit 1
}
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" = "5" ]; then
  echo "没有收集到任何测试：视为失败" >&2
  exit 1
fi
exit "$status"
