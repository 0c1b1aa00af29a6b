#!/usr/bin/env bash
# Installs what xinfang needs on a Debian/Ubuntu machine: system packages, a virtual environment and the
# project itself. Safe to run again: it installs only what is missing.
#   scripts/setup.sh          runtime (demo, web, worker)
#   scripts/setup.sh --test   runtime + test tools (Chromium for browser tests, pytest, Playwright, ruff)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(tesseract-ocr tesseract-ocr-chi-sim redis-server fonts-noto-cjk fonts-arphic-ukai python3-venv python3-pip)
[ $want_test = 1 ] && packages+=(chromium poppler-utils)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Python that is not Debian's (pyenv, a build from source) brings its own venv and pip.
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
  missing=("${missing[@]/python3-venv}"); missing=("${missing[@]/python3-pip}")
fi
read -r -a missing <<< "${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment .venv"
  python3 -m venv .venv
fi
stamp=.venv/.xinfang-installed$([ $want_test = 1 ] && echo -test)
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  if [ $want_test = 1 ]; then .venv/bin/pip install -q -e '.[test]'; else .venv/bin/pip install -q -e .; fi
  touch "$stamp"
fi
