#!/usr/bin/env bash
# Installs what xinfang needs on a Debian/Ubuntu machine: system packages, a virtual environment and the
# project itself. Safe to run again: it installs only what is missing.
#   scripts/setup.sh          runtime (demo, web, worker)
#   scripts/setup.sh --test   runtime + test tools (Chromium for browser tests, pytest, Playwright, ruff)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
if [ "${1:-}" = "--test" ]; then want_test=1; fi

packages=(tesseract-ocr tesseract-ocr-chi-sim redis-server fonts-noto-cjk fonts-arphic-ukai python3-venv python3-pip)
if [ $want_test = 1 ]; then packages+=(chromium poppler-utils); fi

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
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment .venv"
  python3 -m venv .venv
fi
# An `if`, not `$([ ... ] && echo -test)`: that substitution fails (status 1) without --test, and under
# `set -e` the failed assignment ended the script at once, with no output.
if [ $want_test = 1 ]; then
  stamp=.venv/.xinfang-installed-test
  stamps=("$stamp")
else
  stamp=.venv/.xinfang-installed
  stamps=("$stamp" .venv/.xinfang-installed-test)  # a test install includes the runtime
fi
installed=0
for s in "${stamps[@]}"; do
  if [ -f "$s" ] && [ ! pyproject.toml -nt "$s" ]; then installed=1; fi
done
if [ $installed = 0 ]; then
  echo "==> installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  if [ $want_test = 1 ]; then .venv/bin/pip install -q -e '.[test]'; else .venv/bin/pip install -q -e .; fi
  touch "$stamp"
fi
