#!/usr/bin/env bash
# Command one: set everything up on this machine and run the demo (web UI, worker, sample letters).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/xinfang demo "$@"
