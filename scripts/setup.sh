#!/usr/bin/env bash
# Sets up everything jixiao needs on a fresh Debian machine: system packages (LibreOffice for PDF and for
# .doc/.xls/.wps/.et, python3-uno for its long-lived converter, libgl1/libglib for OpenCV under the OCR, CJK
# fonts, poppler, libarchive for .7z/.rar under review, Chromium for the browser tests, PostgreSQL for the server
# tests), a virtualenv in .venv, and the package with its test dependencies (the OCR models come inside the
# rapidocr-onnxruntime wheel). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui python3-uno libgl1 libglib2.0-0 fonts-noto-cjk
              fonts-arphic-ukai poppler-utils fontconfig chromium postgresql redis-server libarchive13)

# Debian 13 renamed some libraries for its 64-bit time_t move (libarchive13 -> libarchive13t64): either name
# counts as installed, and the one the archive knows is the one installed.
installed() { dpkg -s "$1" >/dev/null 2>&1 || dpkg -s "${1}t64" >/dev/null 2>&1; }
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "安装系统软件包：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    for i in "${!missing[@]}"; do
      if ! apt-cache show "${missing[$i]}" >/dev/null 2>&1 && apt-cache show "${missing[$i]}t64" >/dev/null 2>&1; then
        missing[$i]="${missing[$i]}t64"
      fi
    done
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "缺少系统软件包：${missing[*]}。请以 root 运行：apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
# Review keeps its compiled patterns and rulebook code in a cache (JIXIAO_CACHE_DIR, else ~/.cache/jixiao), as
# Python keeps __pycache__: one review of the 宝安 seed report here fills it, so a user's first review starts as fast
# as the later ones. A failure here only means the first review fills it instead.
.venv/bin/jixiao review tests/fixtures/seeds/000_273d22226811a2f3.txt >/dev/null 2>&1 || true
echo "环境已就绪：.venv/bin/jixiao"
